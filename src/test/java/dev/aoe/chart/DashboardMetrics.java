package dev.aoe.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The PromQL of the chart's Grafana dashboard: every panel query and variable query, with
 * Grafana's variables substituted as Grafana does before it sends them, and the metric names they
 * select. {@link #engineMetricNames()} is what a live engine must export for every panel to show.
 */
public final class DashboardMetrics {
    public static final Path DASHBOARD = Charts.CHART.resolve("dashboards/aoe-operator.json");
    public static final String OPERATOR_PREFIX = "aoe_operator_";
    /** Grafana's interval variables become a duration; other variables appear inside label values only. */
    private static final Pattern INTERVAL = Pattern.compile("\\$(__rate_interval|__interval|__range)\\b|\\$\\{(__rate_interval|__interval|__range)}");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");
    /** Grafana's Prometheus variable query: label_values(selector, label) or label_values(label). */
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((?:(.*),\\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\\)$");

    private DashboardMetrics() {
    }

    /** The metric names (exposition names, as on /q/metrics) the dashboard's queries select. */
    public static Set<String> metricNames() {
        return queries().stream().flatMap(q -> PromQl.parse(q).metricNames().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The engine's series among them: a live engine serving an export must export each one. */
    public static Set<String> engineMetricNames() {
        return metricNames().stream().filter(n -> !n.startsWith(OPERATOR_PREFIX))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every PromQL query of the dashboard, ready to parse: panel targets, then variable queries. */
    static List<String> queries() {
        JsonNode dashboard;
        try {
            dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> queries.add(substitute(e.asText())));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode query = variable.path("query");
                variableQuery(query.isTextual() ? query.asText() : query.path("query").asText()).ifPresent(queries::add);
            }
        }
        return queries;
    }

    private static Optional<String> variableQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query.trim());
        if (!m.matches()) {
            return Optional.of(substitute(query));
        }
        return Optional.ofNullable(m.group(1)).map(DashboardMetrics::substitute);
    }

    static String substitute(String query) {
        String intervals = INTERVAL.matcher(query).replaceAll("5m");
        return VARIABLE.matcher(intervals).replaceAll("any");
    }
}
