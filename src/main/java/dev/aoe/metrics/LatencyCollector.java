package dev.aoe.metrics;

import dev.aoe.engine.ExportCounters;
import dev.aoe.responder.TargetCounts;
import io.prometheus.client.Collector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code aoe_request_duration_seconds}, frame received to reply sent, as a Prometheus histogram:
 * the engine keeps a count per bucket, and the cumulative {@code _bucket} series, {@code _sum}
 * and {@code _count} are computed here, on scrape. Micrometer cannot publish buckets counted
 * elsewhere, so this is a collector of the Prometheus registry behind it.
 */
final class LatencyCollector extends Collector {
    static final String NAME = "aoe_request_duration_seconds";
    private static final List<String> LABELS = List.of("target", "export", "interface");
    private static final List<String> BUCKET_LABELS = List.of("target", "export", "interface", "le");
    private static final double NANOS_PER_SECOND = 1e9;

    private final Iterable<ExportCounters> exports;
    private final List<String> bounds = new ArrayList<>();

    LatencyCollector(Iterable<ExportCounters> exports) {
        this.exports = exports;
        for (long nanos : TargetCounts.latencyBoundsNanos()) {
            bounds.add(seconds(nanos));
        }
        bounds.add("+Inf");
    }

    /** {@code le} as Micrometer's own histograms write it: plain decimals, "0.00025", "1.0". */
    private static String seconds(long nanos) {
        String plain = BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        for (ExportCounters e : exports) {
            List<String> values = List.of(e.target(), e.name(), e.interfaceName());
            long[] buckets = TargetCounts.latencyBuckets(e.counts());
            long cumulative = 0;
            for (int i = 0; i < buckets.length; i++) {
                cumulative += buckets[i];
                samples.add(new MetricFamilySamples.Sample(NAME + "_bucket", BUCKET_LABELS,
                        List.of(e.target(), e.name(), e.interfaceName(), bounds.get(i)), cumulative));
            }
            samples.add(new MetricFamilySamples.Sample(NAME + "_count", LABELS, values, cumulative));
            samples.add(new MetricFamilySamples.Sample(NAME + "_sum", LABELS, values,
                    TargetCounts.latencySumNanos(e.counts()) / NANOS_PER_SECOND));
        }
        return List.of(new MetricFamilySamples(NAME, Type.HISTOGRAM,
                "Time from a request's arrival to its reply's departure", samples));
    }
}
