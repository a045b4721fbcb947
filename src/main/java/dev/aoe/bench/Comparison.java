package dev.aoe.bench;

import java.util.ArrayList;
import java.util.List;

/** Our engine against another target, cell by cell: the ratios the targets are judged on. */
public final class Comparison {
    private static final List<String> HEADERS = List.of("mtu", "pattern", "op", "window", "IOPS aoe/vblade",
            "CPU/req aoe/vblade", "p50 aoe/vblade");
    private static final boolean[] NUMERIC = {true, false, false, true, true, true, true};

    /** A cell measured on our engine and on another target. */
    public record Pair(CellResult aoe, CellResult other) {
        double iopsRatio() {
            return aoe.iops() / other.iops();
        }

        double cpuRatio() {
            return aoe.targetCpuPerMillion() / other.targetCpuPerMillion();
        }

        double p50Ratio() {
            return (double) aoe.load().p50Nanos() / other.load().p50Nanos();
        }
    }

    private Comparison() {
    }

    /** Pairs each aoe cell with the {@code other} cell of the same buffer count, mtu, pattern, op and window. */
    public static List<Pair> pairs(List<CellResult> results, TargetKind other) {
        List<Pair> pairs = new ArrayList<>();
        for (CellResult a : results) {
            if (a.target() != TargetKind.AOE) {
                continue;
            }
            results.stream().filter(r -> r.target() == other && r.sameCell(a)).findFirst()
                    .ifPresent(o -> pairs.add(new Pair(a, o)));
        }
        return pairs;
    }

    /** The aoe/vblade table. */
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
}
