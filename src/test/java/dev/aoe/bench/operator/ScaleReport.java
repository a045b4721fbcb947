package dev.aoe.bench.operator;

import dev.aoe.bench.TextTable;

import java.util.List;
import java.util.Locale;

/** The run as one table: each measure, its value, and the aim it is held to, met or not. */
final class ScaleReport {
    static final double ACCEPTED_AIM_SECONDS = 30;
    /** Finalizer, status, node label, engine DaemonSet creation, and the echo of each write. */
    static final int RECONCILES_AIM = 6;
    static final long HEAP_AIM_BYTES = 256L << 20;
    private static final double MIB = 1 << 20;

    private ScaleReport() {
    }

    static String render(ScaleResult r, boolean markdown) {
        TextTable table = new TextTable(List.of("measure", "value", "aim", "met"), false, true, false, false);
        table.add(row("exports created at once (create calls took)", r.exports() + " (" + seconds(r.createNanos()) + " s)"));
        double accepted = r.allAcceptedNanos() / 1e9;
        table.add(List.of("time until all Accepted=True", format("%.1f s", accepted),
                format("< %.0f s", ACCEPTED_AIM_SECONDS), met(accepted < ACCEPTED_AIM_SECONDS)));
        table.add(row("JVM CPU until then (operator + mock server)", format("%.1f s", r.burstCpuSeconds())));
        table.add(row("reconciles per export when all accepted: mean / max",
                format("%.2f / %d", r.atAccepted().mean(), r.atAccepted().max())));
        boolean bounded = r.settled().max() <= RECONCILES_AIM && r.quietReconciles() == 0;
        table.add(List.of(format("reconciles per export %d s later: mean / max", r.quietSeconds()),
                format("%.2f / %d", r.settled().mean(), r.settled().max()),
                format("<= %d each, none when quiet", RECONCILES_AIM), met(bounded)));
        table.add(row(format("reconciles in the next %d s (nothing changed)", r.quietSeconds()),
                Long.toString(r.quietReconciles())));
        table.add(row("API requests per export (creates and polls included)",
                format("%.1f", (double) r.requests() / r.exports())));
        table.add(row("failed reconciles", Long.toString(r.settled().failed())));
        r.settled().failures().forEach((cause, n) -> table.add(row("  failed: " + cause, Long.toString(n))));
        table.add(row("time in the reconciler: total / mean per reconcile", format("%.1f s / %.2f ms",
                r.settled().reconcilerNanos() / 1e9, r.settled().reconcilerNanos() / 1e6 / r.settled().total())));
        table.add(row("heap used after GC, no exports", mib(r.idle().heapBytes())));
        table.add(List.of("heap used after GC, all exports", mib(r.loaded().heapBytes()),
                format("< %.0f MiB", HEAP_AIM_BYTES / MIB), met(r.loaded().heapBytes() < HEAP_AIM_BYTES)));
        table.add(row("resident set (VmRSS), no exports", mib(r.idle().residentBytes())));
        table.add(row("resident set (VmRSS), all exports", mib(r.loaded().residentBytes())));
        table.add(row("one more export: time to Accepted=True", format("%.0f ms", r.oneMoreNanos() / 1e6)));
        table.add(row("one more export: its reconciles / others' reconciles",
                r.oneMoreOwn() + " / " + r.oneMoreOthers()));
        return table.render(markdown);
    }

    private static List<String> row(String measure, String value) {
        return List.of(measure, value, "", "");
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String seconds(long nanos) {
        return format("%.1f", nanos / 1e9);
    }

    private static String mib(long bytes) {
        return format("%.0f MiB", bytes / MIB);
    }

    private static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
