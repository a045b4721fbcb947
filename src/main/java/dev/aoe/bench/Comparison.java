package dev.aoe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Our engine against vblade, cell by cell, and the targets checked against the
 * measurements: met or not, with the figure that decides.
 */
public final class Comparison {
    /** Throughput at least vblade's in every cell. */
    static final double MIN_IOPS_RATIO = 1.0;
    /** Target CPU per request at most half of vblade's at MTU 1500, windows 16 and 64. */
    static final double MAX_CPU_RATIO = 0.5;
    static final int CPU_MTU = 1500;
    static final List<Integer> CPU_WINDOWS = List.of(16, 64);
    /** Durable writes at window 16: at least 3x the IOPS of vblade -s. */
    static final double MIN_DURABLE_IOPS_RATIO = 3.0;
    static final int DURABLE_WINDOW = 16;
    /** Window-1 median latency no worse than 1.2x vblade's. */
    static final double MAX_P50_RATIO = 1.2;

    private static final List<String> HEADERS = List.of("mtu", "pattern", "op", "window", "IOPS aoe/vblade",
            "CPU/req aoe/vblade", "p50 aoe/vblade");
    private static final boolean[] NUMERIC = {true, false, false, true, true, true, true};

    /** A cell measured on both targets. */
    public record Pair(CellResult aoe, CellResult vblade) {
        double iopsRatio() {
            return aoe.iops() / vblade.iops();
        }

        double cpuRatio() {
            return aoe.targetCpuPerMillion() / vblade.targetCpuPerMillion();
        }

        double p50Ratio() {
            return (double) aoe.load().p50Nanos() / vblade.load().p50Nanos();
        }

        String cell() {
            return "MTU " + aoe.mtu() + " " + aoe.pattern() + " " + aoe.operation() + " w" + aoe.window();
        }
    }

    private Comparison() {
    }

    /** Pairs each aoe cell with the vblade cell of the same mtu, pattern, op and window. */
    public static List<Pair> pairs(List<CellResult> results) {
        List<Pair> pairs = new ArrayList<>();
        for (CellResult a : results) {
            if (a.target() != TargetKind.AOE) {
                continue;
            }
            Optional<CellResult> v = results.stream()
                    .filter(r -> r.target() == TargetKind.VBLADE && r.sameCell(a)).findFirst();
            v.ifPresent(vblade -> pairs.add(new Pair(a, vblade)));
        }
        return pairs;
    }

    public static String render(List<Pair> pairs, boolean markdown) {
        TextTable table = new TextTable(HEADERS, NUMERIC);
        for (Pair p : pairs) {
            CellResult a = p.aoe();
            table.add(List.of(String.valueOf(a.mtu()), a.pattern().toString(), a.operation().toString(),
                    String.valueOf(a.window()), Format.ratio(p.iopsRatio()), Format.ratio(p.cpuRatio()),
                    Format.ratio(p.p50Ratio())));
        }
        return table.render(markdown);
    }

    /**
     * One line per target of the issue: met, not met, or not measured, with the deciding figures.
     *
     * @param cells    one result per cell (the medians)
     * @param everyRun every measured interval of every run, for the garbage-collection count
     */
    public static List<String> verdicts(List<Pair> pairs, List<CellResult> cells, List<CellResult> everyRun) {
        List<String> lines = new ArrayList<>();
        lines.add(verdict("throughput >= vblade in every cell", pairs, p -> true,
                p -> p.iopsRatio() >= MIN_IOPS_RATIO, "IOPS ratio", Pair::iopsRatio));
        lines.add(verdict("CPU per request <= 0.5x vblade (MTU 1500, window 16 and 64, read and write)", pairs,
                p -> p.aoe().mtu() == CPU_MTU && CPU_WINDOWS.contains(p.aoe().window())
                        && !p.aoe().operation().durable(),
                p -> p.cpuRatio() <= MAX_CPU_RATIO, "CPU ratio", Pair::cpuRatio));
        lines.add(verdict("durable writes at window 16 >= 3x the IOPS of vblade -s", pairs,
                p -> p.aoe().operation().durable() && p.aoe().window() == DURABLE_WINDOW,
                p -> p.iopsRatio() >= MIN_DURABLE_IOPS_RATIO, "IOPS ratio", Pair::iopsRatio));
        lines.add(verdict("window-1 p50 latency <= 1.2x vblade", pairs, p -> p.aoe().window() == 1,
                p -> p.p50Ratio() <= MAX_P50_RATIO, "p50 ratio", Pair::p50Ratio));
        long collections = everyRun.stream().filter(r -> r.collections() >= 0).mapToLong(CellResult::collections).sum();
        long requests = everyRun.stream().filter(r -> r.collections() >= 0).mapToLong(r -> r.load().requests()).sum();
        lines.add((collections == 0 ? "MET     " : "NOT MET ") + "no allocation per frame in steady state: "
                + collections + " garbage collections of the engine during " + requests + " measured requests");
        long bound = cells.stream().filter(CellResult::initiatorBound).count();
        lines.add((bound == 0 ? "OK      " : "WARNING ") + "initiator faster than both targets: " + bound + " of "
                + cells.size() + " cells where the initiator spent at least the target's CPU per request");
        return lines;
    }

    private static String verdict(String target, List<Pair> pairs, Predicate<Pair> applies, Predicate<Pair> met,
                                  String figure, ToDoubleFunction<Pair> value) {
        List<Pair> cells = pairs.stream().filter(applies).toList();
        if (cells.isEmpty()) {
            return "n/a     " + target + ": no such cell measured on both targets";
        }
        List<Pair> failing = cells.stream().filter(met.negate()).toList();
        StringBuilder line = new StringBuilder(failing.isEmpty() ? "MET     " : "NOT MET ").append(target).append(": ")
                .append(cells.size() - failing.size()).append(" of ").append(cells.size()).append(" cells");
        if (!failing.isEmpty()) {
            line.append("; failing: ");
            List<String> names = new ArrayList<>();
            for (Pair p : failing) {
                names.add(p.cell() + " (" + figure + " " + Format.ratio(value.applyAsDouble(p)) + ")");
            }
            line.append(String.join(", ", names));
        }
        return line.toString();
    }
}
