package dev.aoe.engine;

import java.nio.ByteBuffer;

/**
 * A pooled frame buffer on its way from receive to reply. A frame belongs to exactly one
 * thread at a time: the receive loop fills it, a handler rewrites it, the sender returns it.
 */
final class Frame {
    /** Holds a jumbo frame (MTU 9000 plus the Ethernet header) with room to spare. */
    static final int CAPACITY = 9216;

    final ByteBuffer buffer;
    final FramePool pool;
    /** The port the frame is received on: its reply leaves there, from that port's MAC. */
    final Port port;
    int length;
    /** {@link System#nanoTime()} when the receive call that brought it returned. */
    long receivedNanos;

    Frame(FramePool pool, Port port) {
        this.pool = pool;
        this.port = port;
        // Direct: the kernel and the file system read and write it with no copy.
        this.buffer = ByteBuffer.allocateDirect(CAPACITY);
    }

    void release() {
        buffer.clear();
        pool.release(this);
    }
}
