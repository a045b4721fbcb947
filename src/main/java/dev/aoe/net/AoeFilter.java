package dev.aoe.net;

import jnr.ffi.Pointer;

/**
 * A classic BPF program that passes AoE requests or responses only, so the kernel drops the
 * rest before they are queued (vblade filters the same way). Layouts: {@code struct
 * sock_filter} is 8 bytes (code, jt, jf, k); {@code struct sock_fprog} is a length and a
 * pointer, 16 bytes on 64-bit Linux.
 */
final class AoeFilter {
    private static final int SO_ATTACH_FILTER = 26;
    private static final int FPROG_SIZE = 16;
    private static final int INSTRUCTION_SIZE = 8;

    private static final short LD_H_ABS = 0x28;
    private static final short LD_B_ABS = 0x30;
    private static final short ALU_AND_K = 0x54;
    private static final short JMP_JEQ_K = 0x15;
    private static final short RET_K = 0x06;

    private static final int ETHERTYPE_OFFSET = 12;
    private static final int VERSION_FLAGS_OFFSET = 14;
    private static final int FLAG_RESPONSE = 0x08;
    private static final int ACCEPT_WHOLE_FRAME = 0x40000;
    private static final int DROP = 0;

    private AoeFilter() {
    }

    /** Attaches the filter for {@code traffic}; {@link Traffic#ARRIVING} needs none. */
    static void attach(int fd, Traffic traffic) throws NetException {
        int wanted = traffic == Traffic.RESPONSES ? FLAG_RESPONSE : 0;
        // The socket is bound to every EtherType (only such sockets see frames this host sends),
        // so the program checks the EtherType first.
        int[][] program = {
            {LD_H_ABS, 0, 0, ETHERTYPE_OFFSET},
            {JMP_JEQ_K, 0, 4, LinuxConstants.ETH_P_AOE},
            {LD_B_ABS, 0, 0, VERSION_FLAGS_OFFSET},
            {ALU_AND_K, 0, 0, FLAG_RESPONSE},
            {JMP_JEQ_K, 0, 1, wanted},
            {RET_K, 0, 0, ACCEPT_WHOLE_FRAME},
            {RET_K, 0, 0, DROP},
        };
        Pointer instructions = Native.C.allocate(program.length * INSTRUCTION_SIZE);
        for (int i = 0; i < program.length; i++) {
            long at = (long) i * INSTRUCTION_SIZE;
            instructions.putShort(at, (short) program[i][0]);
            instructions.putByte(at + 2, (byte) program[i][1]);
            instructions.putByte(at + 3, (byte) program[i][2]);
            instructions.putInt(at + 4, program[i][3]);
        }
        Pointer fprog = Native.C.allocate(FPROG_SIZE);
        fprog.putShort(0, (short) program.length);
        fprog.putPointer(8, instructions);
        if (Native.LIBC.setsockopt(fd, LinuxConstants.SOL_SOCKET, SO_ATTACH_FILTER, fprog, FPROG_SIZE) != 0) {
            throw NetException.fromErrno("attach the AoE filter", Native.C.errno());
        }
    }
}
