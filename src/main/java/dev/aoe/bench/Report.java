package dev.aoe.bench;

import java.time.LocalDate;
import java.util.List;

/** Everything the benchmark prints at the end: the setup, both tables, the targets and memory. */
public final class Report {
    private final Plan plan;
    /** Every cell of every run, and one per cell: the medians over the runs. */
    private final List<CellResult> all;
    private final List<CellResult> results;
    private long engineOneExport = -1;
    private long engineManyExports = -1;
    private long vblade = -1;

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

    public String render(boolean markdown) {
        StringBuilder out = new StringBuilder();
        String heading = markdown ? "### " : "== ";
        out.append(heading).append("aoe bench, ").append(LocalDate.now()).append("\n\n");
        out.append(bullet(markdown)).append("machine: ").append(Machine.describe()).append('\n');
        out.append(bullet(markdown)).append("each cell: ").append(plan.warmup().toMillis()).append(" ms warm-up, ")
                .append(plan.measured().toMillis()).append(" ms measured; file ")
                .append(Format.mebibytes(plan.diskBytes())).append(" fully allocated; both targets advertise buffer count ")
                .append(plan.bufferCount()).append("; retransmit after ").append(plan.retransmitTimeout().toMillis())
                .append(" ms\n");
        if (plan.runs() > 1) {
            out.append(bullet(markdown)).append("each figure: the median of ").append(plan.runs())
                    .append(" runs of the whole matrix (retransmissions, errors and GCs: their sum)\n");
        }
        out.append('\n');
        out.append(ResultTable.render(results, markdown)).append('\n');
        List<Comparison.Pair> pairs = Comparison.pairs(results);
        if (!pairs.isEmpty()) {
            out.append(heading).append("aoe vs vblade\n\n").append(Comparison.render(pairs, markdown)).append('\n');
        }
        out.append(heading).append("targets\n\n");
        for (String verdict : Comparison.verdicts(pairs, results, all)) {
            out.append(bullet(markdown)).append(verdict).append('\n');
        }
        if (engineOneExport >= 0) {
            out.append('\n').append(heading).append("memory (VmRSS, idle after start)\n\n");
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

    private static String bullet(boolean markdown) {
        return markdown ? "- " : "  ";
    }
}
