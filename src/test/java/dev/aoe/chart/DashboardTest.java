package dev.aoe.chart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard's queries parse as PromQL and select only the series docs/METRICS.md
 * lists, and each listed series is on a panel (a histogram through its buckets).
 */
class DashboardTest {
    /** The series column of docs/METRICS.md's tables. */
    private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `(aoe_[a-z0-9_]+)` \\|");

    @Test
    void everyQueryParses() {
        List<String> queries = DashboardMetrics.queries();
        assertTrue(queries.size() >= 20, "queries found: " + queries.size());
        for (String q : queries) {
            PromQl.parse(q);
        }
    }

    @Test
    void queriesUseDocumentedSeriesOnlyAndShowEachOfThem() throws IOException {
        Set<String> documented = documented();
        Set<String> used = DashboardMetrics.metricNames();
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(documented);
        assertEquals(Set.of(), unknown, "queried, not in docs/METRICS.md");
        Set<String> unshown = new TreeSet<>(documented);
        unshown.removeAll(used);
        // A histogram is shown through its buckets (quantiles); its sum and count may go unused.
        unshown.removeIf(n -> (n.endsWith("_sum") || n.endsWith("_count"))
                && used.contains(n.replaceAll("_(sum|count)$", "_bucket")));
        assertEquals(Set.of(), unshown, "documented, on no panel");
    }

    @Test
    void theEngineSeriesAreTheNonOperatorOnes() {
        Set<String> engine = DashboardMetrics.engineMetricNames();
        assertTrue(engine.contains("aoe_request_duration_seconds_bucket"), engine.toString());
        assertTrue(engine.contains("aoe_port_frames_dropped_total"), engine.toString());
        assertTrue(engine.stream().noneMatch(n -> n.startsWith(DashboardMetrics.OPERATOR_PREFIX)), engine.toString());
    }

    @Test
    void grafanaVariablesAreSubstitutedBeforeParsing() {
        assertEquals("rate(x{node=~\"any\"}[5m])", DashboardMetrics.substitute("rate(x{node=~\"$node\"}[$__rate_interval])"));
        assertEquals(Set.of("aoe_a", "aoe_b"), PromQl.parse(
                "histogram_quantile(0.99, sum by (le) (rate(aoe_a{x=\"1\"}[5m]))) / on (i) group_left max(aoe_b) * -2 ^ 2")
                .metricNames());
    }

    /** The checker is only worth something if it refuses what Prometheus refuses. */
    @ParameterizedTest
    @ValueSource(strings = {
            "rate(aoe_x[5m]",                        // unclosed call
            "rate(aoe_x)",                           // rate wants a range vector
            "sum(rate(aoe_x[5m]))[5m]",              // a range after a non-selector
            "aoe_x[5m] + 1",                         // arithmetic on a range vector
            "histogram_quantile(aoe_x, aoe_y)",      // quantile must be a scalar
            "histogram_quantile(0.5)",               // missing argument
            "sum by (le (aoe_x)",                    // broken grouping
            "aoe_x{node~\"a\"}",                     // no such matcher
            "aoe_x{node=a}",                         // label value not a string
            "aoe_x{node=~\"(\"}",                    // bad regex
            "{}",                                    // empty selector
            "rate(aoe_x[5q])",                       // bad duration
            "aoe_x $node",                           // an unsubstituted variable
            "aoe_x and 1",                           // set operator with a scalar
            "1 > 2",                                 // scalar comparison without bool
            "sum(aoe_x) by",                         // dangling by
            "aoe_x +"                                // dangling operator
    })
    void theCheckerRefusesWhatPrometheusRefuses(String query) {
        assertThrows(IllegalArgumentException.class, () -> PromQl.parse(query));
    }

    private static Set<String> documented() throws IOException {
        Matcher m = DOCUMENTED.matcher(Files.readString(Charts.PROJECT.resolve("docs/METRICS.md")));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.size() >= 20, "series found in docs/METRICS.md: " + names);
        return names;
    }
}
