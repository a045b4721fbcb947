package dev.aoe.net;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/** Layout of {@code struct sockaddr_ll}, the link-layer address of an AF_PACKET socket. */
final class SockaddrLl {
    static final int SIZE = 20;
    private static final int FAMILY = 0;
    private static final int PROTOCOL = 2;
    private static final int IFINDEX = 4;
    private static final int PKTTYPE = 10;

    private SockaddrLl() {
    }

    /** An address that binds a socket to {@code ethertype} frames on one interface. */
    static Pointer forBind(int ifindex, int ethertype) {
        Pointer address = Native.C.allocate(SIZE);
        address.putShort(FAMILY, (short) LinuxConstants.AF_PACKET);
        // sll_protocol is in network byte order.
        address.putByte(PROTOCOL, (byte) (ethertype >>> 8));
        address.putByte(PROTOCOL + 1, (byte) ethertype);
        address.putInt(IFINDEX, ifindex);
        return address;
    }

    /** Whether the frame a receive call described at {@code offset} was sent by this host. */
    static boolean isOutgoing(Pointer addresses, long offset) {
        return addresses.getByte(offset + PKTTYPE) == LinuxConstants.PACKET_OUTGOING;
    }

    /** As {@link #isOutgoing(Pointer, long)}, for an address the kernel wrote into a packet ring. */
    static boolean isOutgoing(ByteBuffer ring, int offset) {
        return ring.get(offset + PKTTYPE) == LinuxConstants.PACKET_OUTGOING;
    }
}
