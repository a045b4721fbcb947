package dev.aoe.bench;

import static dev.aoe.bench.BenchCells.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private static final TargetKind AOE = TargetKind.AOE;
    private static final TargetKind VBLADE = TargetKind.VBLADE;
    private static final TargetKind CEILING = TargetKind.CEILING;

    /** Cells that meet every target: aoe ahead of vblade, 90 % of the ceiling, half vblade's CPU, 4x durable. */
    private static List<CellResult> good() {
        List<CellResult> cells = new ArrayList<>();
        for (int w : new int[] {1, 16}) {
            cells.add(cell(AOE, 1500, Operation.READ, w, 90_000, 5));
            cells.add(cell(VBLADE, 1500, Operation.READ, w, 80_000, 10));
            cells.add(cell(CEILING, 1500, Operation.READ, w, 100_000, 2));
            cells.add(cell(AOE, 1500, Operation.WRITE, w, 60_000, 10));
            cells.add(cell(VBLADE, 1500, Operation.WRITE, w, 50_000, 10));
            cells.add(cell(AOE, 1500, Operation.DURABLE_WRITE, w, 8_000, 50));
            cells.add(cell(VBLADE, 1500, Operation.DURABLE_WRITE, w, 2_000, 80));
        }
        return cells;
    }

    private static Targets.Verdict verdict(List<Targets.Verdict> verdicts, String start) {
        return verdicts.stream().filter(v -> v.target().startsWith(start)).findFirst().orElseThrow();
    }

    private static List<CellResult> replace(List<CellResult> cells, CellResult changed) {
        List<CellResult> out = new ArrayList<>(cells.stream()
                .filter(c -> !(c.target() == changed.target() && c.sameCell(changed))).toList());
        out.add(changed);
        return out;
    }

    @Test
    void everyTargetIsMetByGoodFigures() {
        List<Targets.Verdict> verdicts = Targets.judge(good(), good());
        assertEquals(Targets.Status.MET, verdict(verdicts, "IOPS >= vblade").status());
        assertEquals("6 of 6 cells; closest: MTU 1500 rand read w1 IOPS aoe/vblade 1.13",
                verdict(verdicts, "IOPS >= vblade").figures(), "the closest call is named");
        assertEquals(Targets.Status.MET, verdict(verdicts, "reads >= 80%").status());
        assertEquals(Targets.Status.MET, verdict(verdicts, "CPU per request <= 0.8x").status());
        assertEquals("1 of 1 cells; closest: MTU 1500 rand read w16 CPU/req aoe/vblade 0.50",
                verdict(verdicts, "CPU per request <= 0.8x").figures(), "only MTU 1500 at windows 16 and 64");
        assertEquals(Targets.Status.MET, verdict(verdicts, "CPU per request <= 1.0x").status());
        assertEquals(Targets.Status.MET, verdict(verdicts, "durable writes").status());
        assertEquals(Targets.Status.MET, verdict(verdicts, "0 garbage").status());
        assertEquals(Targets.Status.NOT_MEASURED, verdict(verdicts, "run-to-run").status());
        assertEquals("needs --runs 2 or more", verdict(verdicts, "run-to-run").figures());
        assertEquals(Targets.Status.OK, verdict(verdicts, "initiator faster").status());
    }

    @Test
    void onlyAoeAndVbladeCellsBoundByTheInitiatorWarn() {
        List<CellResult> cells = replace(good(), cell(CEILING, 1500, Operation.READ, 16, 100_000, 0.5));
        assertEquals(Targets.Status.OK, verdict(Targets.judge(cells, cells), "initiator faster").status(),
                "the ceiling is meant to be initiator-bound");
        cells = replace(cells, cell(VBLADE, 1500, Operation.READ, 16, 80_000, 0.5));
        assertEquals("1 of 12 cells where the initiator spent at least the target's CPU per request",
                verdict(Targets.judge(cells, cells), "initiator faster").figures());
    }

    @Test
    void eachTargetFailsOnItsOwnFigure() {
        List<CellResult> cells = replace(good(), cell(AOE, 1500, Operation.READ, 16, 70_000, 9));
        cells = replace(cells, cell(AOE, 1500, Operation.WRITE, 16, 60_000, 11));
        cells = replace(cells, cell(AOE, 1500, Operation.DURABLE_WRITE, 16, 5_000, 50));

        List<Targets.Verdict> verdicts = Targets.judge(cells, cells);

        assertEquals("5 of 6 cells; failing, IOPS aoe/vblade: MTU 1500 rand read w16 (0.88)",
                verdict(verdicts, "IOPS >= vblade").figures());
        assertEquals(Targets.Status.NOT_MET, verdict(verdicts, "reads >= 80%").status());
        assertEquals("1 of 2 cells; failing, IOPS aoe/ceiling: MTU 1500 rand read w16 (0.70)",
                verdict(verdicts, "reads >= 80%").figures());
        assertEquals("0 of 1 cells; failing, CPU/req aoe/vblade: MTU 1500 rand read w16 (0.90)",
                verdict(verdicts, "CPU per request <= 0.8x").figures());
        assertEquals(Targets.Status.NOT_MET, verdict(verdicts, "CPU per request <= 1.0x").status());
        assertEquals("0 of 1 cells; failing, IOPS aoe/vblade: MTU 1500 rand durable-write w16 (2.50)",
                verdict(verdicts, "durable writes").figures());
        assertEquals(Targets.Status.NOT_MET, verdict(verdicts, "durable writes").status(), "2.5x misses 3x");
    }

    @Test
    void theCpuBoundsAreInclusive() {
        List<CellResult> cells = replace(good(), cell(AOE, 1500, Operation.READ, 16, 90_000, 8));
        cells = replace(cells, cell(AOE, 1500, Operation.WRITE, 16, 60_000, 10));
        List<Targets.Verdict> verdicts = Targets.judge(cells, cells);
        assertEquals(Targets.Status.MET, verdict(verdicts, "CPU per request <= 0.8x").status(), "0.8x is allowed");
        assertEquals(Targets.Status.MET, verdict(verdicts, "CPU per request <= 1.0x").status(), "1.0x is allowed");

        cells = replace(cells, cell(AOE, 1500, Operation.WRITE, 16, 60_000, 10.04));
        assertEquals("0 of 1 cells; failing, CPU/req aoe/vblade: MTU 1500 rand write w16 (1.004)",
                verdict(Targets.judge(cells, cells), "CPU per request <= 1.0x").figures(),
                "a miss that rounds to the bound shows a third digit");
    }

    @Test
    void theSpreadOfEachAoeReadCellIsJudgedAgainstItsMedian() {
        List<CellResult> cells = new ArrayList<>();
        cells.add(cell(AOE, 16, 1500, AccessPattern.SEQUENTIAL, Operation.READ, 16, 90_000, 5,
                new Spread(3, -0.10, 0.14)));
        cells.add(cell(AOE, 16, 1500, AccessPattern.RANDOM, Operation.READ, 16, 90_000, 5,
                new Spread(3, -0.02, 0.03)));
        cells.add(cell(AOE, 16, 1500, AccessPattern.RANDOM, Operation.WRITE, 16, 90_000, 5,
                new Spread(3, -0.50, 0.50)));
        Targets.Verdict met = verdict(Targets.judge(cells, cells), "run-to-run");
        assertEquals(Targets.Status.MET, met.status(), "writes are not judged: " + met);
        assertEquals("2 of 2 cells; widest: MTU 1500 seq read w16 -10%/+14% over 3 runs", met.figures());

        cells.set(1, cell(AOE, 16, 1500, AccessPattern.RANDOM, Operation.READ, 16, 90_000, 5,
                new Spread(3, -0.16, 0.0)));
        Targets.Verdict notMet = verdict(Targets.judge(cells, cells), "run-to-run");
        assertEquals(Targets.Status.NOT_MET, notMet.status());
        assertEquals("1 of 2 cells; failing, min/max against the median: MTU 1500 rand read w16 (-16%/+0%)",
                notMet.figures());
    }

    @Test
    void garbageCollectionsAreCountedPerMillionRequestsOfEveryRun() {
        CellResult collected = new CellResult(16, 1500, AccessPattern.RANDOM, Operation.READ, 16, AOE, 2,
                cell(AOE, 1500, Operation.READ, 16, 500_000, 5).load(), 2.5, 2, -1, Spread.SINGLE);
        List<CellResult> runs = List.of(collected, cell(AOE, 1500, Operation.READ, 16, 500_000, 5));
        Targets.Verdict v = verdict(Targets.judge(good(), runs), "0 garbage");
        assertEquals(Targets.Status.NOT_MET, v.status());
        assertEquals("2.0 per million: 2 collections of the engine in 1000000 measured requests", v.figures());
    }

    @Test
    void targetsWithoutTheirCellsAreNotMeasured() {
        List<CellResult> aoeOnly = good().stream().filter(c -> c.target() == AOE).toList();
        List<Targets.Verdict> verdicts = Targets.judge(aoeOnly, aoeOnly);
        assertEquals(Targets.Status.NOT_MEASURED, verdict(verdicts, "IOPS >= vblade").status());
        assertEquals(Targets.Status.NOT_MEASURED, verdict(verdicts, "reads >= 80%").status());
        assertTrue(verdict(verdicts, "reads >= 80%").toString().startsWith("not measured: reads >= 80%"));
    }
}
