package dev.aoe.responder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one thread counted for one target: requests by kind, bytes, refusals, error replies and
 * reply latency (ggaoed's per-device counters). Each thread that answers for a target owns a
 * block of its own and is its only writer, so counting is a plain add with no lock, no atomic
 * instruction and no allocation; readers on other threads sum the blocks. Slots are written and
 * read with opaque access: a 64-bit value is never seen half-written, and readers see every
 * add soon after it is made.
 */
public final class TargetCounts {
    /** Request kinds, as the metrics name them. */
    public enum Op { READ, WRITE, IDENTIFY, FLUSH, CHECK_POWER, CONFIG, MASK, RESERVE }

    /** Why an addressed frame was ignored, with no reply at all. */
    public enum Ignored { ALLOWLIST, MASK_LIST, RESERVATION, BROADCAST_SOURCE, MALFORMED, WRONG_VERSION, QUEUE_FULL }

    /** ATA errors answered in the ATA registers. */
    public enum AtaError { ABRT, IDNF }

    /** AoE error codes 1 to 6, in order (bad command ... target reserved). */
    public static final int AOE_ERROR_CODES = 6;

    /**
     * Upper bounds of the reply latency buckets, in nanoseconds, from 25 µs (a cache hit on the
     * receive thread) to 2.5 s (a stalled disk); a last bucket takes everything slower.
     */
    private static final long[] LATENCY_BOUNDS_NANOS = {
        25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
        25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000L,
    };

    private static final int OPS = Op.values().length;
    private static final int REQUESTS = 0;
    private static final int READ_BYTES = REQUESTS + OPS;
    private static final int WRITE_BYTES = READ_BYTES + 1;
    private static final int CACHED_READ_BYTES = WRITE_BYTES + 1;
    private static final int ATA_ERRORS = CACHED_READ_BYTES + 1;
    private static final int AOE_ERRORS = ATA_ERRORS + AtaError.values().length;
    private static final int IGNORED = AOE_ERRORS + AOE_ERROR_CODES;
    private static final int LATENCY_SUM_NANOS = IGNORED + Ignored.values().length;
    private static final int LATENCY_BUCKETS = LATENCY_SUM_NANOS + 1;
    private static final int SLOTS = LATENCY_BUCKETS + LATENCY_BOUNDS_NANOS.length + 1;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[SLOTS];

    private void add(int slot, long delta) {
        SLOT.setOpaque(slots, slot, (long) SLOT.getOpaque(slots, slot) + delta);
    }

    private long get(int slot) {
        return (long) SLOT.getOpaque(slots, slot);
    }

    // ---- the owning thread ----

    void request(Op op) {
        add(REQUESTS + op.ordinal(), 1);
    }

    void transferred(boolean write, long bytes, boolean cached) {
        add(write ? WRITE_BYTES : READ_BYTES, bytes);
        if (cached) {
            add(CACHED_READ_BYTES, bytes);
        }
    }

    void ataError(AtaError error) {
        add(ATA_ERRORS + error.ordinal(), 1);
    }

    /** An AoE error reply; codes outside 1 to 6 are not counted. */
    void errorReply(int code) {
        if (code >= 1 && code <= AOE_ERROR_CODES) {
            add(AOE_ERRORS + code - 1, 1);
        }
    }

    /**
     * A request dropped for want of room to keep it: the export's queue, or the port's frames to
     * copy it into, were full. The initiator sends it again.
     */
    public void queueFull() {
        ignored(Ignored.QUEUE_FULL);
    }

    void ignored(Ignored reason) {
        add(IGNORED + reason.ordinal(), 1);
    }

    /** A reply sent {@code nanos} after its request was received. */
    public void replied(long nanos) {
        int bucket = 0;
        while (bucket < LATENCY_BOUNDS_NANOS.length && nanos > LATENCY_BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        add(LATENCY_BUCKETS + bucket, 1);
        add(LATENCY_SUM_NANOS, nanos);
    }

    // ---- readers: sums over the blocks of every thread ----

    public static long requests(Iterable<TargetCounts> blocks, Op op) {
        return sum(blocks, REQUESTS + op.ordinal());
    }

    /** Bytes moved by reads ({@code write} false) or writes that succeeded. */
    public static long bytes(Iterable<TargetCounts> blocks, boolean write) {
        return sum(blocks, write ? WRITE_BYTES : READ_BYTES);
    }

    /** Bytes of reads answered from the page cache on the receive thread. */
    public static long cachedReadBytes(Iterable<TargetCounts> blocks) {
        return sum(blocks, CACHED_READ_BYTES);
    }

    public static long ataErrors(Iterable<TargetCounts> blocks, AtaError error) {
        return sum(blocks, ATA_ERRORS + error.ordinal());
    }

    /** Replies with AoE error {@code code} (1 to 6). */
    public static long errorReplies(Iterable<TargetCounts> blocks, int code) {
        return sum(blocks, AOE_ERRORS + code - 1);
    }

    public static long ignored(Iterable<TargetCounts> blocks, Ignored reason) {
        return sum(blocks, IGNORED + reason.ordinal());
    }

    /** Upper bounds of the latency buckets in nanoseconds; the bucket after the last has none. */
    public static long[] latencyBoundsNanos() {
        return LATENCY_BOUNDS_NANOS.clone();
    }

    /** Replies per latency bucket (not cumulative), one more than {@link #latencyBoundsNanos()}. */
    public static long[] latencyBuckets(Iterable<TargetCounts> blocks) {
        long[] buckets = new long[LATENCY_BOUNDS_NANOS.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = sum(blocks, LATENCY_BUCKETS + i);
        }
        return buckets;
    }

    public static long latencySumNanos(Iterable<TargetCounts> blocks) {
        return sum(blocks, LATENCY_SUM_NANOS);
    }

    private static long sum(Iterable<TargetCounts> blocks, int slot) {
        long total = 0;
        for (TargetCounts b : blocks) {
            total += b.get(slot);
        }
        return total;
    }
}
