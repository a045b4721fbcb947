package dev.aoe.engine;

import dev.aoe.net.RawSocket;

import java.io.IOException;

/**
 * The pool frames a receive loop holds for its next recvmmsg, with their addresses, capacities
 * and lengths: topped up from the pool, handed out once filled, and the unfilled ones kept for
 * the next call. The receive path of a port without a packet ring. Allocates nothing per frame.
 */
final class ReceiveBatch implements FrameSource {
    private final RawSocket socket;
    private final FramePool pool;
    private final Frame[] frames = new Frame[RawSocket.MAX_BATCH];
    private final long[] addresses = new long[RawSocket.MAX_BATCH];
    private final int[] capacities = new int[RawSocket.MAX_BATCH];
    private final int[] lengths = new int[RawSocket.MAX_BATCH];
    private int held;

    ReceiveBatch(RawSocket socket, FramePool pool) {
        this.socket = socket;
        this.pool = pool;
    }

    /**
     * Tops the batch up with free frames from the pool and receives into them; when it holds
     * none, because every frame is in flight, waits up to {@code waitMillis} for one while the
     * kernel buffers what arrives, and returns 0 if none came back.
     */
    @Override
    public int receive(long waitMillis) throws IOException, InterruptedException {
        if (fill(waitMillis) == 0) {
            return 0;
        }
        return socket.receiveBatch(addresses, capacities, lengths, held);
    }

    private int fill(long millis) throws InterruptedException {
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
        addresses[held] = frame.address;
        capacities[held] = frame.buffer.capacity();
        held++;
    }

    @Override
    public Frame filled(int i, long receivedNanos) {
        Frame frame = frames[i];
        frame.length = lengths[i];
        frame.receivedNanos = receivedNanos;
        return frame;
    }

    /** Lets go of the {@code n} frames filled, which now belong to others; the rest move to the front. */
    @Override
    public void handedOut(int n) {
        System.arraycopy(frames, n, frames, 0, held - n);
        System.arraycopy(addresses, n, addresses, 0, held - n);
        System.arraycopy(capacities, n, capacities, 0, held - n);
        held -= n;
    }

    @Override
    public long framesDropped() {
        return 0;
    }

    @Override
    public void close() {
        for (int i = 0; i < held; i++) {
            frames[i].release();
            frames[i] = null;
        }
        held = 0;
    }

    @Override
    public String toString() {
        return "recvmmsg";
    }
}
