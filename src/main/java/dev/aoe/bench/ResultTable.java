package dev.aoe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The benchmark's main table for one buffer count: one row per cell and target. The run-to-run
 * spread shows only for several runs, system calls per request only when counted.
 */
public final class ResultTable {
    private record Column(String header, boolean numeric, Function<Row, String> value) {
    }

    private record Row(CellResult cell, List<CellResult> all) {
    }

    private static final List<Column> ALWAYS_BEFORE = List.of(
            new Column("mtu", true, r -> String.valueOf(r.cell().mtu())),
            new Column("pattern", false, r -> r.cell().pattern().toString()),
            new Column("op", false, r -> r.cell().operation().toString()),
            new Column("window", true, r -> String.valueOf(r.cell().window())),
            new Column("target", false, r -> r.cell().target().toString()),
            new Column("IOPS", true, r -> Format.integer(r.cell().iops())));
    private static final Column SPREAD = new Column("IOPS min/max", true, r -> r.cell().spread().toString());
    private static final List<Column> ALWAYS_MIDDLE = List.of(
            new Column("% ceiling", true, r -> Format.percent(ceilingShare(r.cell(), r.all()))),
            new Column("MB/s", true, r -> Format.decimal(r.cell().megabytesPerSecond())),
            new Column("p50 µs", true, r -> Format.micros(r.cell().load().p50Nanos())),
            new Column("p99 µs", true, r -> Format.micros(r.cell().load().p99Nanos())),
            new Column("CPU s/1M req", true, r -> Format.decimal(r.cell().targetCpuPerMillion())));
    private static final Column SYSCALLS = new Column("syscalls/req", true,
            r -> Format.decimal(r.cell().syscallsPerRequest()));
    private static final List<Column> ALWAYS_AFTER = List.of(
            new Column("initiator CPU s/1M", true, r -> Format.decimal(r.cell().generatorCpuPerMillion())),
            new Column("retx", true, r -> String.valueOf(r.cell().load().retransmits())),
            new Column("errors", true, r -> String.valueOf(r.cell().load().errors())),
            new Column("GCs", true, r -> r.cell().collections() < 0 ? "-" : String.valueOf(r.cell().collections())),
            new Column("note", false, r -> r.cell().initiatorBound() ? "initiator-bound" : ""));

    private ResultTable() {
    }

    /**
     * @param spread   whether to show each cell's lowest and highest run against its median
     * @param syscalls whether to show system calls per request
     */
    public static String render(List<CellResult> results, boolean markdown, boolean spread, boolean syscalls) {
        List<Column> columns = new ArrayList<>(ALWAYS_BEFORE);
        if (spread) {
            columns.add(SPREAD);
        }
        columns.addAll(ALWAYS_MIDDLE);
        if (syscalls) {
            columns.add(SYSCALLS);
        }
        columns.addAll(ALWAYS_AFTER);
        boolean[] numeric = new boolean[columns.size()];
        for (int c = 0; c < numeric.length; c++) {
            numeric[c] = columns.get(c).numeric();
        }
        TextTable table = new TextTable(columns.stream().map(Column::header).toList(), numeric);
        for (CellResult r : results) {
            Row row = new Row(r, results);
            table.add(columns.stream().map(c -> c.value().apply(row)).toList());
        }
        return table.render(markdown);
    }

    /** A target's IOPS as a share of the ceiling's in the same cell; NaN for the ceiling itself or without one. */
    static double ceilingShare(CellResult cell, List<CellResult> results) {
        if (cell.target() == TargetKind.CEILING) {
            return Double.NaN;
        }
        return results.stream().filter(c -> c.target() == TargetKind.CEILING && c.sameCell(cell)).findFirst()
                .map(c -> cell.iops() / c.iops()).orElse(Double.NaN);
    }
}
