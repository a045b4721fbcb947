package dev.aoe.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Folds repeated runs of the matrix into one result per cell: each rate is the median of that
 * rate over the runs, so one run disturbed by the rest of a shared machine does not set it; the
 * latencies of all runs merge into one histogram, whose percentiles are those of every request
 * (a median of per-run percentiles is no percentile of anything); the spread of the runs' IOPS
 * around their median is kept, to tell whether the median can be trusted.
 */
final class Medians {
    private static final double MILLION = 1e6;

    private Medians() {
    }

    /** One result per cell and target, in the order the cells first appear. */
    static List<CellResult> of(List<CellResult> results) {
        Map<String, List<CellResult>> cells = new LinkedHashMap<>();
        for (CellResult r : results) {
            String key = r.buffers() + " " + r.mtu() + " " + r.pattern() + " " + r.operation() + " " + r.window() + " " + r.target();
            cells.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return cells.values().stream().map(runs -> runs.size() == 1 ? runs.get(0) : median(runs)).toList();
    }

    private static CellResult median(List<CellResult> runs) {
        CellResult first = runs.get(0);
        double seconds = first.load().seconds();
        double iops = median(runs, CellResult::iops);
        long requests = Math.round(iops * seconds);
        Histogram latencies = first.load().latencies().copy();
        runs.stream().skip(1).forEach(r -> latencies.add(r.load().latencies()));
        LoadResult load = new LoadResult(requests, seconds, latencies,
                runs.stream().mapToLong(r -> r.load().retransmits()).sum(),
                runs.stream().mapToLong(r -> r.load().errors()).sum(),
                median(runs, CellResult::generatorCpuPerMillion) * requests / MILLION);
        long collections = first.collections() < 0 ? -1 : runs.stream().mapToLong(CellResult::collections).sum();
        long syscalls = runs.stream().anyMatch(r -> r.syscalls() < 0) ? -1
                : Math.round(median(runs, CellResult::syscallsPerRequest) * requests);
        return new CellResult(first.buffers(), first.mtu(), first.pattern(), first.operation(), first.window(),
                first.target(), first.sectorsPerFrame(), load,
                median(runs, CellResult::targetCpuPerMillion) * requests / MILLION, collections, syscalls,
                Spread.of(runs.stream().map(CellResult::iops).toList(), iops));
    }

    /** The median, or the mean of the middle two for an even count. */
    static double median(List<CellResult> runs, ToDoubleFunction<CellResult> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
