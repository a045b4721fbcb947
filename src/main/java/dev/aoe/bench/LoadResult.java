package dev.aoe.bench;

/**
 * What the load generator measured over a cell's measured interval.
 *
 * @param requests            requests completed in the interval
 * @param seconds             length of the interval
 * @param p50Nanos            median latency, send to reply (first send, retransmissions included)
 * @param p99Nanos            99th percentile latency
 * @param retransmits         requests sent again after no reply within the retransmit timeout
 * @param errors              replies with an AoE or ATA error, or too short
 * @param generatorCpuSeconds CPU time of the load generator's thread in the interval
 */
public record LoadResult(long requests, double seconds, long p50Nanos, long p99Nanos, long retransmits, long errors,
                         double generatorCpuSeconds) {
    public double iops() {
        return requests / seconds;
    }
}
