package dev.aoe.bench;

import org.HdrHistogram.Histogram;

/**
 * What the load generator measured over a cell's measured interval.
 *
 * @param requests            requests completed in the interval
 * @param seconds             length of the interval
 * @param latencies           latency of each request in nanoseconds, send to reply (first send,
 *                            retransmissions included); runs of a cell merge into one
 * @param retransmits         requests sent again after no reply within the retransmit timeout
 * @param errors              replies with an AoE or ATA error, or too short
 * @param generatorCpuSeconds CPU time of the load generator's thread in the interval
 */
public record LoadResult(long requests, double seconds, Histogram latencies, long retransmits, long errors,
                         double generatorCpuSeconds) {
    /** Longer latencies are recorded as this (2^40 ns, about 18 minutes). */
    static final long LONGEST_NANOS = 1L << 40;

    public double iops() {
        return requests / seconds;
    }

    /** Median latency. */
    public long p50Nanos() {
        return latencies.getValueAtPercentile(50);
    }

    /** 99th percentile latency. */
    public long p99Nanos() {
        return latencies.getValueAtPercentile(99);
    }
}
