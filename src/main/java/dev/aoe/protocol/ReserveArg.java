package dev.aoe.protocol;

import java.nio.ByteBuffer;

/** The argument of command 3, Reserve/Release (AoE r11 §3.4). */
public final class ReserveArg {
    public static final int RCMD = 24;
    public static final int MAC_COUNT = 25;
    public static final int MACS = 26;

    public static final int RCMD_READ = 0;
    public static final int RCMD_SET = 1;
    public static final int RCMD_FORCE_SET = 2;

    private ReserveArg() {
    }

    public static int rcmd(ByteBuffer f) {
        return f.get(RCMD) & 0xFF;
    }

    public static int macCount(ByteBuffer f) {
        return f.get(MAC_COUNT) & 0xFF;
    }

    public static long mac(ByteBuffer f, int i) {
        return MacAddress.get(f, MACS + i * MacAddress.LENGTH);
    }

    /** Writes the argument with a MAC list; returns the frame length. */
    public static int write(ByteBuffer f, int rcmd, long[] macs, int count) {
        f.put(RCMD, (byte) rcmd);
        f.put(MAC_COUNT, (byte) count);
        for (int i = 0; i < count; i++) {
            MacAddress.put(f, MACS + i * MacAddress.LENGTH, macs[i]);
        }
        return MACS + count * MacAddress.LENGTH;
    }
}
