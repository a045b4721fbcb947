package dev.aoe.engine;

/** What one interface the engine serves on has counted so far, for metrics: read from any thread. */
public interface PortCounters {
    String interfaceName();

    long framesReceived();

    /** Replies and announcements sent. */
    long framesSent();

    /**
     * Frames the kernel dropped because the socket's receive queue (or ring) was full, and the
     * few a ring delivered at an offset its slots do not expect.
     */
    long framesDropped();

    /** Receive batches that brought frames: recvmmsg calls, or walks of the packet ring. */
    long receiveBatches();

    /** Whether the port receives through a packet ring (else with recvmmsg, chosen when it opened). */
    boolean packetRing();
}
