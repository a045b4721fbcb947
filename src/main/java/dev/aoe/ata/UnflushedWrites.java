package dev.aoe.ata;

import dev.aoe.protocol.AtaArg;
import dev.aoe.store.BlockStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The writes of one batch that are written but not yet durable, with their replies: a thread
 * that answers several requests at once writes them all, then {@link #settle()} makes them
 * durable with one flush and turns their replies into ABRT if it fails. Confined to its thread
 * and reused for every batch; it allocates nothing per write.
 */
public final class UnflushedWrites {
    private final BlockStore store;
    private final IoFailures failures;
    private final ByteBuffer[] replies;
    private final long[] lbas;
    private final int[] counts;
    private int size;

    UnflushedWrites(BlockStore store, IoFailures failures, int capacity) {
        this.store = store;
        this.failures = failures;
        this.replies = new ByteBuffer[capacity];
        this.lbas = new long[capacity];
        this.counts = new int[capacity];
    }

    boolean hasRoom() {
        return size < replies.length;
    }

    void add(ByteBuffer reply, long lba, int count) {
        replies[size] = reply;
        lbas[size] = lba;
        counts[size] = count;
        size++;
    }

    /** Number of writes waiting for {@link #settle()}. */
    public int size() {
        return size;
    }

    /**
     * Flushes the store once for every write recorded, so their OK replies may go out; if the
     * flush fails, each of their replies becomes ABRT with all sectors left, as a failed
     * durable write does. Either way the record is empty afterwards.
     */
    public void settle() {
        if (size == 0) {
            return;
        }
        try {
            store.flush();
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < size; i++) {
                AtaArg.setResult(replies[i], Ata.STATUS_FAILED, Ata.ERROR_ABRT, counts[i]);
                failures.failed("WRITE", lbas[i], counts[i], e);
            }
        } finally {
            Arrays.fill(replies, 0, size, null);
            size = 0;
        }
    }
}
