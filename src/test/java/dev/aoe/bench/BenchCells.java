package dev.aoe.bench;

import org.HdrHistogram.Histogram;

/** Measured cells made up for tests: one second each, latency 100 µs, the initiator cheap. */
final class BenchCells {
    private BenchCells() {
    }

    static CellResult cell(TargetKind target, int mtu, Operation op, int window, double iops, double cpuPerMillion) {
        return cell(target, 16, mtu, AccessPattern.RANDOM, op, window, iops, cpuPerMillion, Spread.SINGLE);
    }

    static CellResult cell(TargetKind target, int buffers, int mtu, AccessPattern pattern, Operation op, int window,
                           double iops, double cpuPerMillion, Spread spread) {
        long requests = Math.round(iops);
        Histogram latencies = new Histogram(1, LoadResult.LONGEST_NANOS, 2);
        latencies.recordValueWithCount(100_000, Math.max(1, requests));
        return new CellResult(buffers, mtu, pattern, op, window, target, mtu == 1500 ? 2 : 17,
                new LoadResult(requests, 1.0, latencies, 0, 0, requests * 1e-6),
                cpuPerMillion * requests / 1e6, target == TargetKind.AOE ? 0 : -1, requests * 2, spread);
    }
}
