package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportStatus;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operator's own series (names in docs/METRICS.md): exports per phase and Ready reason, counted
 * from the informer cache when Prometheus scrapes, and each reconcile's result and duration.
 * Made when the controller is registered, so only the operator process shows them.
 */
final class OperatorMetrics {
    private static final String EXPORTS = "aoe.operator.exports";
    private static final String RECONCILES = "aoe.operator.reconciles";
    private static final String RECONCILE_DURATION = "aoe.operator.reconcile.duration";
    private static final String SUCCESS = "success";
    private static final String FAILURE = "failure";
    private static final String BY_STATE = "phase-reason";
    /** Separates phase and reason in the index key: neither a phase nor a condition reason contains it. */
    private static final char SEPARATOR = '/';

    private final MeterRegistry registry;
    private final IndexerResourceCache<AoeExport> exports;
    private final Set<String> statesSeen = ConcurrentHashMap.newKeySet();
    private final Counter successes;
    private final Counter failures;
    private final Timer duration;

    /** Indexes {@code exports} by phase and reason; call before the cache starts (in prepareEventSources). */
    OperatorMetrics(MeterRegistry registry, IndexerResourceCache<AoeExport> exports) {
        this.registry = registry;
        this.exports = exports;
        exports.addIndexer(BY_STATE, e -> List.of(stateSeen(e)));
        successes = reconciles(SUCCESS);
        failures = reconciles(FAILURE);
        duration = Timer.builder(RECONCILE_DURATION).description("Time to reconcile one AoeExport")
                .publishPercentileHistogram().register(registry);
    }

    /** Runs one reconcile or cleanup, counting it as a failure when it throws (JOSDK then retries it). */
    <T> T reconcile(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            T result = work.get();
            successes.increment();
            return result;
        } catch (RuntimeException | Error e) {
            failures.increment();
            throw e;
        } finally {
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Counter reconciles(String result) {
        return Counter.builder(RECONCILES).description("AoeExport reconciles by result")
                .tag("result", result).register(registry);
    }

    /**
     * The index key of an export's phase and reason. The first export seen in a state registers
     * that state's gauge, which from then on counts the index entry on each scrape (zero once
     * empty): the index is kept by the informer, so nothing runs between scrapes.
     */
    private String stateSeen(AoeExport export) {
        AoeExportStatus status = export.getStatus();
        // An export the operator has not reconciled yet has no status: both labels empty.
        String phase = status == null || status.getPhase() == null ? "" : status.getPhase();
        String reason = status == null ? "" : Objects.requireNonNullElse(StatusAggregator.readyReason(status), "");
        String key = phase + SEPARATOR + reason;
        if (statesSeen.add(key)) {
            Gauge.builder(EXPORTS, exports, c -> c.byIndex(BY_STATE, key).size())
                    .description("AoeExports per phase and Ready condition reason")
                    .tags("phase", phase, "reason", reason).strongReference(true).register(registry);
        }
        return key;
    }
}
