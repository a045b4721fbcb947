package dev.aoe.engine;

import dev.aoe.net.RawSocket;

import java.util.HashSet;
import java.util.Set;

/**
 * The reply batches of every thread that sends on one socket, and how many replies they have
 * sent, those of threads already stopped included.
 */
final class ReplySenders {
    private final RawSocket socket;
    /** Guarded by {@code this}, as is {@link #retiredSent}. */
    private final Set<Replies> open = new HashSet<>();
    private long retiredSent;

    ReplySenders(RawSocket socket) {
        this.socket = socket;
    }

    /** A reply batch for one thread, holding up to {@code capacity} frames; {@link #retire} it when the thread ends. */
    synchronized Replies open(int capacity) {
        Replies replies = new Replies(socket, capacity);
        open.add(replies);
        return replies;
    }

    /** Keeps what a thread's reply batch sent in the count once the thread is gone. */
    synchronized void retire(Replies replies) {
        if (open.remove(replies)) {
            retiredSent += replies.sent();
        }
    }

    /** Replies sent so far by every thread, stopped or not. */
    synchronized long sent() {
        long sent = retiredSent;
        for (Replies r : open) {
            sent += r.sent();
        }
        return sent;
    }
}
