package dev.aoe.engine;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * A fixed set of frame buffers, allocated once. When all are in flight the receive loop drops
 * the next frame, as the protocol allows beyond the advertised buffer count: the initiator
 * retransmits it.
 */
final class FramePool {
    private final ArrayBlockingQueue<Frame> free;

    FramePool(int size) {
        free = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            free.add(new Frame(this));
        }
    }

    /** A free frame, or null when every frame is in flight. */
    Frame take() {
        return free.poll();
    }

    void release(Frame frame) {
        free.offer(frame);
    }
}
