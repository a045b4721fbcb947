package dev.aoe.engine;

import dev.aoe.net.DirectBuffers;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of frame buffers, allocated once. When all are in flight the next frame that needs
 * one is dropped, as the protocol allows beyond the advertised buffer count: the initiator
 * retransmits it.
 */
final class FramePool implements Frame.Home {
    private final ArrayBlockingQueue<Frame> free;

    /** {@code size} frames received on {@code port}. */
    FramePool(int size, Port port) {
        free = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            // Direct: the kernel and the file system read and write it with no copy.
            ByteBuffer buffer = ByteBuffer.allocateDirect(Frame.CAPACITY);
            free.add(new Frame(buffer, DirectBuffers.address(buffer), port, this));
        }
    }

    /** A free frame, or null when every frame is in flight. */
    Frame take() {
        return free.poll();
    }

    /** A free frame, waiting up to {@code millis} for one; null if none came back in time. */
    Frame await(long millis) throws InterruptedException {
        return free.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** A free frame holding a copy of {@code frame}, or null when every frame is in flight. */
    Frame copy(Frame frame) {
        Frame copy = take();
        if (copy != null) {
            copy.copyOf(frame);
        }
        return copy;
    }

    @Override
    public void release(Frame frame) {
        free.offer(frame);
    }

    /** A pool frame is the pool's until released: it may be kept as it is. */
    @Override
    public Frame keep(Frame frame) {
        return frame;
    }
}
