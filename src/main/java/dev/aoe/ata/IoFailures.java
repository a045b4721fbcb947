package dev.aoe.ata;

/**
 * Hears about the store I/O an {@link AtaDevice} answered with ATA ABRT, so the failure reaches
 * a log as well as the initiator. Called on the I/O thread that failed; must not block.
 */
@FunctionalInterface
public interface IoFailures {
    /** Ignores failures: the initiator still sees ABRT. */
    IoFailures IGNORE = (op, lba, count, e) -> {
    };

    /**
     * @param op    {@code READ}, {@code WRITE} or {@code FLUSH}
     * @param lba   the first sector of the request (0 for a flush)
     * @param count the sectors the request asked for
     * @param e     what the store threw
     */
    void failed(String op, long lba, int count, Exception e);
}
