package dev.aoe.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of frame buffers, allocated once. When all are in flight the receive loop drops
 * the next frame, as the protocol allows beyond the advertised buffer count: the initiator
 * retransmits it.
 */
final class FramePool {
    private final ArrayBlockingQueue<Frame> free;

    /** {@code size} frames received on {@code port}. */
    FramePool(int size, Port port) {
        free = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            free.add(new Frame(this, port));
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

    void release(Frame frame) {
        free.offer(frame);
    }
}
