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
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder reconcilerNanos = new LongAdder();

    @Override
    public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
        started.computeIfAbsent(ResourceID.fromResource(resource), id -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void reconciliationFailed(HasMetadata resource, RetryInfo retry, Exception exception, Map<String, Object> metadata) {
        failures.computeIfAbsent(cause(exception), c -> new LongAdder()).increment();
    }

    private static final int CAUSE_LENGTH = 100;

    /** The innermost exception's class and the start of its message: what went wrong, not where JOSDK wrapped it. */
    private static String cause(Exception exception) {
        Throwable root = exception;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String cause = root.getClass().getSimpleName() + ": " + String.valueOf(root.getMessage()).replaceAll("\\d+", "N");
        return cause.length() <= CAUSE_LENGTH ? cause : cause.substring(0, CAUSE_LENGTH) + "...";
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
        Map<String, Long> causes = new HashMap<>();
        failures.forEach((cause, n) -> causes.put(cause, n.sum()));
        return new Snapshot(Map.copyOf(counts), Map.copyOf(causes), reconcilerNanos.sum());
    }

    /** Reconciliations so far: per export, failed ones by cause, and the reconciler's total time. */
    record Snapshot(Map<ResourceID, Integer> perExport, Map<String, Long> failures, long reconcilerNanos) {
        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }


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
