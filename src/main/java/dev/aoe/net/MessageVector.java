package dev.aoe.net;

import jnr.ffi.Pointer;

/**
 * A native {@code struct mmsghdr[]} for sendmmsg/recvmmsg, allocated once, with one
 * {@code iovec} (one frame) and one {@code sockaddr_ll} (the frame's source, for receives) per
 * message. x86_64/aarch64 (LP64) layouts.
 */
final class MessageVector {
    private static final int MMSGHDR_SIZE = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_LEN = 56;
    private static final int IOVEC_SIZE = 16;
    private static final int IOV_BASE = 0;
    private static final int IOV_LEN = 8;

    private final Pointer headers;
    private final Pointer iovecs;
    private final Pointer addresses;

    MessageVector(int capacity) {
        headers = Native.C.allocate(capacity * MMSGHDR_SIZE);
        iovecs = Native.C.allocate(capacity * IOVEC_SIZE);
        addresses = Native.C.allocate(capacity * SockaddrLl.SIZE);
        for (int i = 0; i < capacity; i++) {
            long header = (long) i * MMSGHDR_SIZE;
            headers.putAddress(header + MSG_NAME, addresses.address() + (long) i * SockaddrLl.SIZE);
            headers.putAddress(header + MSG_IOV, iovecs.address() + (long) i * IOVEC_SIZE);
            headers.putLong(header + MSG_IOVLEN, 1);
        }
    }

    Pointer headers() {
        return headers;
    }

    /** Points message {@code index} at {@code length} bytes of frame memory. */
    void setFrame(int index, long frameAddress, int length) {
        long iovec = (long) index * IOVEC_SIZE;
        iovecs.putAddress(iovec + IOV_BASE, frameAddress);
        iovecs.putLong(iovec + IOV_LEN, length);
    }

    /** Before a receive: lets the kernel fill in the source address of message {@code index}. */
    void expectSourceAddress(int index) {
        headers.putInt((long) index * MMSGHDR_SIZE + MSG_NAMELEN, SockaddrLl.SIZE);
    }

    /** Before a send: the frame goes out on the bound interface, no destination address. */
    void omitAddress(int index) {
        headers.putInt((long) index * MMSGHDR_SIZE + MSG_NAMELEN, 0);
    }

    /** Bytes the kernel transferred for message {@code index}. */
    int transferred(int index) {
        return headers.getInt((long) index * MMSGHDR_SIZE + MSG_LEN);
    }

    boolean isOutgoing(int index) {
        return SockaddrLl.isOutgoing(addresses, (long) index * SockaddrLl.SIZE);
    }
}
