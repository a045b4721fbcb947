package dev.aoe.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** Everything the benchmark prints at the end: the setup, per buffer count the tables and the targets' verdicts, and memory. */
public final class Report {
    private final Plan plan;
    /** Every cell of every run, and one per cell: the medians over the runs. */
    private final List<CellResult> all;
    private final List<CellResult> results;
    private long engineOneExport = -1;
    private long engineManyExports = -1;
    private long vblade = -1;
    /** The build measured as aoe when it is not the one that runs the benchmark, else null. */
    private Path otherEngine;

    public Report(Plan plan, List<CellResult> results) {
        this.plan = plan;
        this.all = results;
        this.results = Medians.of(results);
    }

    /** Resident set sizes in bytes; -1 for what was not measured. */
    public void setMemory(long engineOneExport, long engineManyExports, long vblade) {
        this.engineOneExport = engineOneExport;
        this.engineManyExports = engineManyExports;
        this.vblade = vblade;
    }

    /** Notes that aoe was {@code engineJar}, another build than the benchmark's own. */
    public void setOtherEngine(Path engineJar) {
        this.otherEngine = engineJar;
    }

    public String render(boolean markdown) {
        StringBuilder out = new StringBuilder();
        String heading = markdown ? "### " : "== ";
        String subheading = markdown ? "#### " : "-- ";
        out.append(heading).append("aoe bench, ").append(LocalDate.now()).append("\n\n");
        out.append(bullet(markdown)).append("machine: ").append(Machine.describe()).append('\n');
        if (otherEngine != null) {
            out.append(bullet(markdown)).append("aoe: the engine of ").append(otherEngine).append('\n');
        }
        out.append(bullet(markdown)).append("each cell: ").append(plan.warmup().toMillis()).append(" ms warm-up, ")
                .append(plan.measured().toMillis()).append(" ms measured; file ")
                .append(Format.mebibytes(plan.diskBytes())).append(" fully allocated; retransmit after ")
                .append(plan.retransmitTimeout().toMillis()).append(" ms\n");
        out.append(bullet(markdown)).append("buffer counts ").append(join(plan.buffers()))
                .append(": every target is started with and advertises each in turn; windows larger than the"
                        + " buffer count are not measured\n");
        if (plan.targets().contains(TargetKind.CEILING)) {
            out.append(bullet(markdown)).append("ceiling: a storage-less responder in C (reads only);"
                    + " % ceiling is a target's IOPS against the ceiling's in the same cell\n");
        }
        if (plan.syscalls()) {
            out.append(bullet(markdown)).append("system calls counted with perf stat -e "
                    + SyscallCounter.EVENT + ", which adds to the targets' CPU figures\n");
        }
        if (plan.runs() > 1) {
            out.append(bullet(markdown)).append("each figure: the median of ").append(plan.runs())
                    .append(" runs of the whole matrix (retransmissions, errors and GCs: their sum);"
                            + " IOPS min/max: the lowest and highest run against the median\n");
        }
        out.append('\n');
        for (int buffers : plan.buffers()) {
            List<CellResult> cells = results.stream().filter(r -> r.buffers() == buffers).toList();
            List<CellResult> runs = all.stream().filter(r -> r.buffers() == buffers).toList();
            out.append(heading).append("buffer count ").append(buffers).append("\n\n");
            out.append(ResultTable.render(cells, markdown, plan.runs() > 1, plan.syscalls())).append('\n');
            List<Comparison.Pair> pairs = Comparison.pairs(cells, TargetKind.VBLADE);
            if (!pairs.isEmpty()) {
                out.append(subheading).append("aoe vs vblade, buffer count ").append(buffers).append("\n\n")
                        .append(Comparison.render(pairs, markdown)).append('\n');
            }
            out.append(subheading).append("targets, buffer count ").append(buffers).append("\n\n");
            for (Targets.Verdict verdict : Targets.judge(cells, runs)) {
                out.append(bullet(markdown)).append(verdict).append('\n');
            }
            out.append('\n');
        }
        if (engineOneExport >= 0) {
            out.append(heading).append("memory (VmRSS, idle after start)\n\n");
            out.append(bullet(markdown)).append("aoe, 1 export: ").append(Format.mebibytes(engineOneExport)).append('\n');
            out.append(bullet(markdown)).append("aoe, ").append(MemoryProbe.MANY_EXPORTS).append(" exports: ")
                    .append(Format.mebibytes(engineManyExports)).append('\n');
            if (vblade >= 0) {
                out.append(bullet(markdown)).append("vblade, 1 export (one process per export): ")
                        .append(Format.mebibytes(vblade)).append('\n');
            }
        }
        return out.toString();
    }

    private static String join(List<Integer> values) {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }

    private static String bullet(boolean markdown) {
        return markdown ? "- " : "  ";
    }
}
