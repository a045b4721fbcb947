package dev.aoe.bench;

import java.util.List;

/** The benchmark's main table: one row per cell and target. */
public final class ResultTable {
    private static final List<String> HEADERS = List.of("mtu", "pattern", "op", "window", "target", "IOPS", "MB/s",
            "p50 µs", "p99 µs", "CPU s/1M req", "initiator CPU s/1M", "retx", "errors", "GCs", "note");
    private static final boolean[] NUMERIC = {true, false, false, true, false, true, true, true, true, true, true,
            true, true, true, false};

    private ResultTable() {
    }

    public static String render(List<CellResult> results, boolean markdown) {
        TextTable table = new TextTable(HEADERS, NUMERIC);
        for (CellResult r : results) {
            table.add(List.of(String.valueOf(r.mtu()), r.pattern().toString(), r.operation().toString(),
                    String.valueOf(r.window()), r.target().toString(), Format.integer(r.iops()),
                    Format.decimal(r.megabytesPerSecond()), Format.micros(r.load().p50Nanos()),
                    Format.micros(r.load().p99Nanos()), Format.decimal(r.targetCpuPerMillion()),
                    Format.decimal(r.generatorCpuPerMillion()), String.valueOf(r.load().retransmits()),
                    String.valueOf(r.load().errors()), r.collections() < 0 ? "-" : String.valueOf(r.collections()),
                    r.initiatorBound() ? "initiator-bound" : ""));
        }
        return table.render(markdown);
    }
}
