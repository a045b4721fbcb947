package dev.aoe.bench.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts reconciliations per export, and the time spent in the reconciler, through JOSDK's own
 * metrics hook: the operator under measurement is the production one, unchanged.
 */
final class ReconcileCounter implements Metrics {
    private final Map<ResourceID, AtomicInteger> started = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder reconcilerNanos = new LongAdder();

    @Override
    public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
        started.computeIfAbsent(ResourceID.fromResource(resource), id -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void reconciliationFailed(HasMetadata resource, RetryInfo retry, Exception exception, Map<String, Object> metadata) {
        failures.increment();
    }

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        long start = System.nanoTime();
        try {
            return execution.execute();
        } finally {
            reconcilerNanos.add(System.nanoTime() - start);
        }
    }

    Snapshot snapshot() {
        Map<ResourceID, Integer> counts = new HashMap<>();
        started.forEach((id, n) -> counts.put(id, n.get()));
        return new Snapshot(Map.copyOf(counts), failures.sum(), reconcilerNanos.sum());
    }

    /** Reconciliations so far: per export, failed ones, and the reconciler's total time. */
    record Snapshot(Map<ResourceID, Integer> perExport, long failures, long reconcilerNanos) {
        long total() {
            return perExport.values().stream().mapToLong(Integer::longValue).sum();
        }

        int max() {
            return perExport.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        double mean() {
            return perExport.isEmpty() ? 0 : (double) total() / perExport.size();
        }

        /** Reconciliations since {@code before}, of exports other than {@code excluded}. */
        long othersSince(Snapshot before, ResourceID excluded) {
            return perExport.entrySet().stream().filter(e -> !e.getKey().equals(excluded))
                    .mapToLong(e -> e.getValue() - before.perExport.getOrDefault(e.getKey(), 0)).sum();
        }
    }
}
