package dev.aoe.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class MediansTest {
    private static CellResult cell(TargetKind kind, int window, long requests, long p50, double cpu, long retx, long gcs) {
        return new CellResult(1500, AccessPattern.RANDOM, Operation.READ, window, kind, 2,
                new LoadResult(requests, 2.0, p50, p50 * 10, retx, 0, requests / 1e6), cpu, gcs);
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
        assertEquals(200_000, aoe.load().p50Nanos());
        // CPU per million requests: 10, 5 and 4 s; the median is 5.
        assertEquals(5.0, aoe.targetCpuPerMillion(), 1e-9);
        assertEquals(3, aoe.load().retransmits());
        assertEquals(1, aoe.collections());
        CellResult vblade = medians.get(1);
        assertEquals(100_000, vblade.iops(), 1e-9, "the mean of the middle two of an even count");
        assertEquals(-1, vblade.collections(), "no collector stays no collector");
    }

    @Test
    void aSingleRunIsReportedAsMeasured() {
        CellResult only = cell(TargetKind.AOE, 1, 5_000, 90_000, 0.3, 0, 0);
        assertSame(only, Medians.of(List.of(only)).get(0));
    }
}
