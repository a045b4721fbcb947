package dev.aoe.engine;

import dev.aoe.net.RawSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames a receive loop holds for its next recvmmsg, with their buffers and lengths: topped
 * up from the pool, handed out once filled, and the unfilled ones kept for the next call.
 * Confined to its receive thread, but for its counts; allocates nothing per frame.
 */
final class ReceiveBatch {
    private final FramePool pool;
    private final Frame[] frames = new Frame[RawSocket.MAX_BATCH];
    private final ByteBuffer[] buffers = new ByteBuffer[RawSocket.MAX_BATCH];
    private final int[] lengths = new int[RawSocket.MAX_BATCH];
    private int held;
    /** Written by the receive thread alone (a plain read and an opaque write), read by metrics. */
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong receiveBatches = new AtomicLong();

    ReceiveBatch(FramePool pool) {
        this.pool = pool;
    }

    /**
     * Tops the batch up with free frames from the pool; when it holds none, because every frame
     * is in flight, waits up to {@code millis} for one while the kernel buffers what arrives.
     * Returns how many frames it holds.
     */
    int fill(long millis) throws InterruptedException {
        while (held < frames.length) {
            Frame frame = pool.take();
            if (frame == null) {
                break;
            }
            hold(frame);
        }
        if (held == 0) {
            Frame frame = pool.await(millis);
            if (frame != null) {
                hold(frame);
            }
        }
        return held;
    }

    private void hold(Frame frame) {
        frames[held] = frame;
        buffers[held] = frame.buffer;
        held++;
    }

    /** Receives into the held frames; returns how many were filled, as {@link RawSocket#receiveBatch} does. */
    int receive(RawSocket socket) throws IOException {
        int n = socket.receiveBatch(buffers, lengths, held);
        if (n > 0) {
            framesReceived.setOpaque(framesReceived.getPlain() + n);
            receiveBatches.setOpaque(receiveBatches.getPlain() + 1);
        }
        return n;
    }

    /** The {@code i}th frame filled, with its length and receive time set; it is the caller's until {@link #handedOut}. */
    Frame filled(int i, long receivedNanos) {
        Frame frame = frames[i];
        frame.length = lengths[i];
        frame.receivedNanos = receivedNanos;
        return frame;
    }

    /** Lets go of the {@code n} frames filled, which now belong to others; the rest move to the front. */
    void handedOut(int n) {
        System.arraycopy(frames, n, frames, 0, held - n);
        System.arraycopy(buffers, n, buffers, 0, held - n);
        held -= n;
    }

    long framesReceived() {
        return framesReceived.get();
    }

    long receiveBatches() {
        return receiveBatches.get();
    }
}
