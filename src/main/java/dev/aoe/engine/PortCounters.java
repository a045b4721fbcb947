package dev.aoe.engine;

/** What one interface the engine serves on has counted so far, for metrics: read from any thread. */
public interface PortCounters {
    String interfaceName();

    long framesReceived();

    /** Replies and announcements sent. */
    long framesSent();

    /** Frames the kernel dropped because the socket's receive queue was full. */
    long framesDropped();

    /** Receive system calls that returned frames. */
    long receiveBatches();
}
