package dev.aoe.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The engine's performance targets, judged for one buffer count from the medians of the runs:
 * met or not met, each with the figures behind it.
 */
public final class Targets {
    /** IOPS at least vblade's in every cell, write-back and durable writes included. */
    static final double MIN_IOPS_RATIO = 1.0;
    /** Reads at 80 % or more of the ceiling's IOPS. */
    static final double MIN_CEILING_SHARE = 0.8;
    /** Target CPU per request against vblade's at MTU 1500, windows 16 and 64. */
    static final double MAX_READ_CPU_RATIO = 0.8;
    static final double MAX_WRITE_CPU_RATIO = 1.0;
    static final int CPU_MTU = 1500;
    static final List<Integer> CPU_WINDOWS = List.of(16, 64);
    /** Durable writes at window 16: at least 3x the IOPS of vblade -s. */
    static final double MIN_DURABLE_IOPS_RATIO = 3.0;
    static final int DURABLE_WINDOW = 16;
    /** Each run of a read cell within +/-15 % of the cell's median IOPS. */
    static final double MAX_SPREAD = 0.15;

    /** How a target came out. */
    public enum Status {
        MET("met"), NOT_MET("not met"), NOT_MEASURED("not measured"), WARNING("warning"), OK("ok");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A limit a ratio must reach (at least) or stay under (at most). */
    record Bound(double limit, boolean atLeast) {
        static Bound atLeast(double limit) {
            return new Bound(limit, true);
        }

        static Bound atMost(double limit) {
            return new Bound(limit, false);
        }

        boolean met(double figure) {
            return atLeast ? figure >= limit : figure <= limit;
        }

        /** How far a figure is inside the bound; negative outside it. */
        double margin(double figure) {
            return atLeast ? figure - limit : limit - figure;
        }
    }

    /** One target's verdict and the figures behind it. */
    public record Verdict(Status status, String target, String figures) {
        @Override
        public String toString() {
            return status + ": " + target + ": " + figures;
        }
    }

    private Targets() {
    }

    /**
     * Every target, judged on the cells of one buffer count.
     *
     * @param cells    one result per cell and target (the medians)
     * @param everyRun every measured interval of every run, for the garbage-collection count
     */
    public static List<Verdict> judge(List<CellResult> cells, List<CellResult> everyRun) {
        List<Comparison.Pair> vblade = Comparison.pairs(cells, TargetKind.VBLADE);
        List<Comparison.Pair> ceiling = Comparison.pairs(cells, TargetKind.CEILING);
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(ratio("IOPS >= vblade's in every cell", vblade, p -> true,
                Bound.atLeast(MIN_IOPS_RATIO), "IOPS aoe/vblade", Comparison.Pair::iopsRatio));
        verdicts.add(ratio("reads >= 80% of the ceiling's IOPS", ceiling, p -> isRead(p.aoe()),
                Bound.atLeast(MIN_CEILING_SHARE), "IOPS aoe/ceiling", Comparison.Pair::iopsRatio));
        verdicts.add(ratio("CPU per request <= 0.8x vblade's for reads (MTU 1500, windows 16 and 64)", vblade,
                p -> isCpuCell(p, Operation.READ), Bound.atMost(MAX_READ_CPU_RATIO), "CPU/req aoe/vblade",
                Comparison.Pair::cpuRatio));
        verdicts.add(ratio("CPU per request <= 1.0x vblade's for write-back writes (MTU 1500, windows 16 and 64)",
                vblade, p -> isCpuCell(p, Operation.WRITE), Bound.atMost(MAX_WRITE_CPU_RATIO), "CPU/req aoe/vblade",
                Comparison.Pair::cpuRatio));
        verdicts.add(ratio("durable writes at window 16 >= 3x the IOPS of vblade -s", vblade,
                p -> p.aoe().operation().durable() && p.aoe().window() == DURABLE_WINDOW,
                Bound.atLeast(MIN_DURABLE_IOPS_RATIO), "IOPS aoe/vblade", Comparison.Pair::iopsRatio));
        verdicts.add(spread(cells));
        verdicts.add(collections(everyRun));
        // The ceiling is meant to be limited by the initiator and the link, so only aoe and vblade count.
        List<CellResult> judged = cells.stream().filter(c -> c.target() != TargetKind.CEILING).toList();
        long bound = judged.stream().filter(CellResult::initiatorBound).count();
        verdicts.add(new Verdict(bound == 0 ? Status.OK : Status.WARNING, "initiator faster than aoe and vblade",
                bound + " of " + judged.size() + " cells where the initiator spent at least the target's CPU per request"));
        return verdicts;
    }

    private static boolean isRead(CellResult cell) {
        return cell.operation() == Operation.READ;
    }

    private static boolean isCpuCell(Comparison.Pair p, Operation op) {
        return p.aoe().operation() == op && p.aoe().mtu() == CPU_MTU && CPU_WINDOWS.contains(p.aoe().window());
    }

    /** A ratio that every applicable cell must meet; met lists the worst cell, not met every failing one. */
    private static Verdict ratio(String target, List<Comparison.Pair> pairs, Predicate<Comparison.Pair> applies,
                                 Bound bound, String figure,
                                 ToDoubleFunction<Comparison.Pair> value) {
        List<Comparison.Pair> cells = pairs.stream().filter(applies).toList();
        if (cells.isEmpty()) {
            return new Verdict(Status.NOT_MEASURED, target, "no such cell measured on both targets");
        }
        List<Comparison.Pair> failing = cells.stream().filter(p -> !bound.met(value.applyAsDouble(p))).toList();
        String counts = (cells.size() - failing.size()) + " of " + cells.size() + " cells";
        if (failing.isEmpty()) {
            Comparison.Pair worst = cells.stream()
                    .min(Comparator.comparingDouble(p -> bound.margin(value.applyAsDouble(p))))
                    .orElseThrow();
            return new Verdict(Status.MET, target, counts + "; closest: " + worst.aoe().cellName() + " " + figure + " "
                    + Format.ratio(value.applyAsDouble(worst)));
        }
        List<String> names = failing.stream()
                .map(p -> p.aoe().cellName() + " (" + shown(value.applyAsDouble(p), bound) + ")").toList();
        return new Verdict(Status.NOT_MET, target, counts + "; failing, " + figure + ": " + String.join(", ", names));
    }

    /** A failing figure that rounds to its bound (1.004 against at most 1.0) gets a third digit. */
    private static String shown(double figure, Bound bound) {
        String rounded = Format.ratio(figure);
        return rounded.equals(Format.ratio(bound.limit())) ? String.format(Locale.ROOT, "%.3f", figure) : rounded;
    }

    private static Verdict spread(List<CellResult> cells) {
        String target = "run-to-run spread of each aoe read cell within +/-15% of its median";
        List<CellResult> reads = cells.stream().filter(c -> c.target() == TargetKind.AOE && isRead(c)).toList();
        if (reads.isEmpty()) {
            return new Verdict(Status.NOT_MEASURED, target, "no read cell measured");
        }
        if (reads.stream().anyMatch(c -> c.spread().runs() < 2)) {
            return new Verdict(Status.NOT_MEASURED, target, "needs --runs 2 or more");
        }
        List<CellResult> failing = reads.stream().filter(c -> !c.spread().within(MAX_SPREAD)).toList();
        String counts = (reads.size() - failing.size()) + " of " + reads.size() + " cells";
        if (failing.isEmpty()) {
            CellResult widest = reads.stream().max(Comparator.comparingDouble(c -> width(c.spread())))
                    .orElseThrow();
            return new Verdict(Status.MET, target, counts + "; widest: " + widest.cellName() + " "
                    + widest.spread() + " over " + widest.spread().runs() + " runs");
        }
        List<String> names = failing.stream().map(c -> c.cellName() + " (" + c.spread() + ")").toList();
        return new Verdict(Status.NOT_MET, target, counts + "; failing, min/max against the median: "
                + String.join(", ", names));
    }

    private static double width(Spread s) {
        return Math.max(-s.low(), s.high());
    }

    private static Verdict collections(List<CellResult> everyRun) {
        String target = "0 garbage collections per million requests";
        List<CellResult> aoe = everyRun.stream().filter(r -> r.target() == TargetKind.AOE && r.collections() >= 0)
                .toList();
        if (aoe.isEmpty()) {
            return new Verdict(Status.NOT_MEASURED, target, "no aoe cell measured");
        }
        long collections = aoe.stream().mapToLong(CellResult::collections).sum();
        long requests = aoe.stream().mapToLong(r -> r.load().requests()).sum();
        return new Verdict(collections == 0 ? Status.MET : Status.NOT_MET, target,
                Format.decimal(requests == 0 ? Double.NaN : collections * 1e6 / requests) + " per million: "
                        + collections + " collections of the engine in " + requests + " measured requests");
    }
}
