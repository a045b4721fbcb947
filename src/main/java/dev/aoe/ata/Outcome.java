package dev.aoe.ata;

/**
 * What answering a request came to, as the responder's handlers return it: a reply length
 * (zero or more bytes, written in place over the request), or one of these negative codes.
 * Defined once for every layer of the frame path, so a code means the same wherever it is seen.
 */
public final class Outcome {
    /** The protocol says to stay silent: the frame is dropped without a reply. */
    public static final int NO_REPLY = -1;
    /** The request must wait for a disk; it is left fit for a thread that may wait. */
    public static final int WOULD_BLOCK = -2;
    /** The request deserves AoE error 2 (Bad Argument); the responder writes that reply. */
    public static final int BAD_ARGUMENT = -3;

    private Outcome() {
    }
}
