package dev.aoe.engine;

import java.nio.ByteBuffer;

/**
 * A frame buffer on its way from receive to reply: a pool frame, or a slot of the port's packet
 * ring. A frame belongs to exactly one thread at a time: the receive loop fills it, a handler
 * rewrites it, the sender gives it back to where it came from ({@link #release}).
 */
final class Frame {
    /** Holds a jumbo frame (MTU 9000 plus the Ethernet header) with room to spare. */
    static final int CAPACITY = 9216;

    /** Where a frame goes back to once its reply is sent or it is dropped. */
    interface Home {
        void release(Frame frame);

        /**
         * The frame to keep beyond its receive batch, e.g. queued for an export's I/O threads:
         * the frame itself, or a pool copy of it when the frame must go back at once (a ring
         * slot, which the kernel needs back in order); null when no pool frame is free, the frame
         * then dropped.
         */
        Frame keep(Frame frame);
    }

    final ByteBuffer buffer;
    /** The native address of index 0 of {@link #buffer}, read once: system calls take it. */
    final long address;
    /** The port the frame is received on: its reply leaves there, from that port's MAC. */
    final Port port;
    private final Home home;
    int length;
    /** {@link System#nanoTime()} when the receive call that brought it returned. */
    long receivedNanos;

    Frame(ByteBuffer buffer, long address, Port port, Home home) {
        this.buffer = buffer;
        this.address = address;
        this.port = port;
        this.home = home;
    }

    void release() {
        buffer.clear();
        home.release(this);
    }

    /** See {@link Home#keep}. A frame that goes back leaves clean, as {@link #release} leaves it. */
    Frame keep() {
        Frame kept = home.keep(this);
        if (kept != this) {
            buffer.clear();
        }
        return kept;
    }

    /** Takes on {@code other}'s bytes, length and receive time. */
    void copyOf(Frame other) {
        buffer.put(0, other.buffer, 0, other.length);
        length = other.length;
        receivedNanos = other.receivedNanos;
    }
}
