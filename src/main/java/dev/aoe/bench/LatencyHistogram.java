package dev.aoe.bench;

import java.util.Arrays;

/**
 * Request latencies in a fixed, preallocated log-linear histogram: exact below 64 ns, then 64
 * buckets per power of two (at most 1/64 relative error). Recording is an array increment, so
 * the load generator allocates nothing per request.
 */
public final class LatencyHistogram {
    /** Sub-buckets per power of two: the precision. */
    private static final int SUB_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Highest power of two recorded (2^40 ns is about 18 minutes); longer values are clamped. */
    private static final int MAX_EXPONENT = 40;

    private final long[] counts = new long[index((1L << (MAX_EXPONENT + 1)) - 1) + 1];
    private long total;

    public void record(long nanos) {
        counts[index(Math.max(0, Math.min(nanos, (1L << (MAX_EXPONENT + 1)) - 1)))]++;
        total++;
    }

    public long count() {
        return total;
    }

    public void reset() {
        Arrays.fill(counts, 0);
        total = 0;
    }

    /**
     * The latency at quantile {@code q} (0 < q <= 1), in nanoseconds: the midpoint of the bucket
     * holding the ceil(q * count)-th smallest value; 0 when nothing was recorded.
     */
    public long percentile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (lowerBound(i) + lowerBound(i + 1) - 1) / 2;
            }
        }
        throw new IllegalStateException("counts do not add up to " + total);
    }

    static int index(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
        return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    /** The smallest value that falls in bucket {@code index}. */
    static long lowerBound(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int exponent = index / SUB_BUCKETS + SUB_BITS - 1;
        long sub = index % SUB_BUCKETS;
        return (1L << exponent) | (sub << (exponent - SUB_BITS));
    }
}
