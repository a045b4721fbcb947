package dev.aoe.engine;

import java.io.IOException;

/**
 * Where a port's receive loop gets its frames: the slots of a packet ring ({@link RingFrames}),
 * or pool frames that recvmmsg fills ({@link ReceiveBatch}). Confined to the receive thread.
 */
interface FrameSource {
    /**
     * Receives a batch, waiting up to about {@code waitMillis} for a free frame to receive into
     * where it needs one.
     *
     * @return how many frames were received; 0 if none came; -1 once the socket is closed
     */
    int receive(long waitMillis) throws IOException, InterruptedException;

    /** The {@code i}th frame received, with its length and receive time set; it is the caller's from now on. */
    Frame filled(int i, long receivedNanos);

    /** The {@code n} frames received were all handed out. */
    void handedOut(int n);

    /** Frames it dropped itself after the kernel delivered them (a ring slot's frame at an unexpected offset). */
    long framesDropped();

    /** Lets go of what it holds once the receive thread has stopped. */
    void close();
}
