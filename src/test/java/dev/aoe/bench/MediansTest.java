package dev.aoe.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediansTest {
    private static CellResult cell(TargetKind kind, int window, long requests, long latency, double cpu, long retx, long gcs) {
        Histogram latencies = new Histogram(1, LoadResult.LONGEST_NANOS, 2);
        latencies.recordValueWithCount(latency, requests);
        return new CellResult(16, 1500, AccessPattern.RANDOM, Operation.READ, window, kind, 2,
                new LoadResult(requests, 2.0, latencies, retx, 0, requests / 1e6), cpu, gcs, requests * 3,
                Spread.SINGLE);
    }

    /** Within the histogram's precision: two significant digits. */
    private static void assertAbout(long expected, long actual) {
        assertEquals(expected, actual, expected / 100.0, "about " + expected);
    }

    @Test
    void eachFigureIsTheMedianOfItsRunsAndCountsAreSummed() {
        List<CellResult> runs = List.of(
                cell(TargetKind.AOE, 16, 200_000, 300_000, 2.0, 1, 0),
                cell(TargetKind.VBLADE, 16, 100_000, 100_000, 1.0, 0, -1),
                cell(TargetKind.AOE, 16, 100_000, 100_000, 0.5, 0, 0),
                cell(TargetKind.VBLADE, 16, 300_000, 300_000, 3.0, 0, -1),
                cell(TargetKind.AOE, 16, 400_000, 200_000, 1.6, 2, 1));

        List<CellResult> medians = Medians.of(runs);

        assertEquals(2, medians.size(), "one result per cell and target");
        CellResult aoe = medians.get(0);
        assertEquals(TargetKind.AOE, aoe.target());
        assertEquals(100_000, aoe.iops(), 1e-9, "median of 50k, 100k and 200k IOPS");
        // Latencies of all 700k requests: 100k at 100 µs, 400k at 200 µs, 200k at 300 µs.
        assertAbout(200_000, aoe.load().p50Nanos());
        assertAbout(300_000, aoe.load().p99Nanos());
        // CPU per million requests: 10, 5 and 4 s; the median is 5.
        assertEquals(5.0, aoe.targetCpuPerMillion(), 1e-9);
        assertEquals(3, aoe.load().retransmits());
        assertEquals(1, aoe.collections());
        assertEquals(3.0, aoe.syscallsPerRequest(), 1e-9, "the median of the runs' system calls per request");
        // 50k, 100k and 200k IOPS around the median of 100k: half of it and twice it.
        assertEquals(3, aoe.spread().runs());
        assertEquals(-0.5, aoe.spread().low(), 1e-9);
        assertEquals(1.0, aoe.spread().high(), 1e-9);
        assertEquals("-50%/+100%", aoe.spread().toString());
        assertFalse(aoe.spread().within(0.15));
        CellResult vblade = medians.get(1);
        assertEquals(100_000, vblade.iops(), 1e-9, "the mean of the middle two of an even count");
        assertEquals(-1, vblade.collections(), "no collector stays no collector");
    }

    /** Percentiles of every request of every run, not medians of each run's percentiles. */
    @Test
    void latencyPercentilesAreThoseOfTheMergedRuns() {
        List<CellResult> runs = List.of(
                cell(TargetKind.AOE, 8, 1_000, 100_000, 1.0, 0, 0),
                cell(TargetKind.AOE, 8, 1_000, 100_000, 1.0, 0, 0),
                cell(TargetKind.AOE, 8, 1_000, 10_000_000, 1.0, 0, 0));

        CellResult merged = Medians.of(runs).get(0);

        // Each run's p99 is 100 µs, 100 µs and 10 ms, their median 100 µs; but a third of all requests took 10 ms.
        assertAbout(10_000_000, merged.load().p99Nanos());
        assertAbout(100_000, merged.load().p50Nanos());
        assertEquals(3_000, merged.load().latencies().getTotalCount());
        assertEquals(1_000, runs.get(0).load().latencies().getTotalCount(), "the runs' own histograms are left as they were");
    }

    @Test
    void aCellWithARunNotCountedHasNoSystemCallCount() {
        CellResult uncounted = new CellResult(16, 1500, AccessPattern.RANDOM, Operation.READ, 16, TargetKind.AOE, 2,
                new LoadResult(1000, 2.0, new Histogram(1, LoadResult.LONGEST_NANOS, 2), 0, 0, 0), 1, 0, -1,
                Spread.SINGLE);
        CellResult median = Medians.of(List.of(uncounted, cell(TargetKind.AOE, 16, 1000, 1000, 1, 0, 0))).get(0);
        assertEquals(-1, median.syscalls());
        assertTrue(Double.isNaN(median.syscallsPerRequest()));
    }

    @Test
    void runsOfDifferentBufferCountsAreDifferentCells() {
        CellResult at16 = cell(TargetKind.AOE, 16, 1000, 1000, 1, 0, 0);
        CellResult at64 = new CellResult(64, at16.mtu(), at16.pattern(), at16.operation(), at16.window(), at16.target(),
                at16.sectorsPerFrame(), at16.load(), 1, 0, 0, Spread.SINGLE);
        assertEquals(2, Medians.of(List.of(at16, at64)).size());
    }

    @Test
    void aSingleRunIsReportedAsMeasured() {
        CellResult only = cell(TargetKind.AOE, 1, 5_000, 90_000, 0.3, 0, 0);
        assertSame(only, Medians.of(List.of(only)).get(0));
    }
}
