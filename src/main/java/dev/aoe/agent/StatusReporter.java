package dev.aoe.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.aoe.api.AoeExport;
import dev.aoe.api.EngineReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes {@code status.engine}, the only status field the engine owns, as a JSON merge patch of
 * the status subresource: the operator's fields (conditions, phase, ...) are never sent, so
 * neither writer can erase the other's. A report is written only when it changed: no heartbeats.
 */
final class StatusReporter {
    private static final String STATUS = "status";
    private static final String ENGINE = "engine";
    private static final Logger LOG = Logger.getLogger(StatusReporter.class.getName());
    private static final String GENERATION = "generation";
    private static final String CREATED_SOURCE = "createdSource";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Every field of a report. A merge patch keeps fields it does not mention, so a field the new
     * report lacks (the MAC of an export no longer served) is sent as null, which removes it.
     */
    private static final List<String> FIELDS = JSON.getSerializationConfig()
            .introspect(JSON.constructType(EngineReport.class)).findProperties().stream()
            .map(BeanPropertyDefinition::getName).toList();

    private final KubernetesClient client;
    /** The last report written per export (all fields, absent ones null); read by health checks. */
    private final Map<String, Map<String, Object>> written = new ConcurrentHashMap<>();

    StatusReporter(KubernetesClient client) {
        this.client = client;
    }

    /** Writes {@code report} unless the export's status already says exactly that. */
    void report(AoeExport export, EngineReport report) {
        String name = export.getMetadata().getName();
        Map<String, Object> fields = fields(report);
        Map<String, Object> current = written.get(name);
        if (current == null && export.getStatus() != null && export.getStatus().getEngine() != null) {
            current = fields(export.getStatus().getEngine());
        }
        if (fields.equals(current)) {
            written.put(name, fields);
            return;
        }
        String patch = toJson(Map.of(STATUS, Map.of(ENGINE, fields)));
        client.resources(AoeExport.class).withName(name).subresource(STATUS)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        written.put(name, fields);
    }

    /** The generation of the last report written for {@code name}, or null if none. */
    Long reportedGeneration(String name) {
        Map<String, Object> fields = written.get(name);
        return fields == null ? null : ((Number) fields.get(GENERATION)).longValue();
    }

    /**
     * Whether the engine created the export's file, as last reported: by this agent, else in the
     * export's status (written by an earlier engine, which may have created it).
     */
    boolean createdSource(AoeExport export) {
        Map<String, Object> fields = written.get(export.getMetadata().getName());
        if (fields != null) {
            return Boolean.TRUE.equals(fields.get(CREATED_SOURCE));
        }
        EngineReport last = export.getStatus() == null ? null : export.getStatus().getEngine();
        return last != null && Boolean.TRUE.equals(last.getCreatedSource());
    }

    /**
     * Writes every report at once, with up to {@code writers} threads, for at most {@code timeout}:
     * a report not written in time is left (and logged) for the next writer to correct.
     */
    void reportAll(Map<AoeExport, EngineReport> reports, int writers, Duration timeout) {
        if (reports.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(reports.size(), writers));
        try {
            List<Callable<Void>> writes = reports.entrySet().stream().map(r -> (Callable<Void>) () -> {
                report(r.getKey(), r.getValue());
                return null;
            }).toList();
            for (Future<Void> write : pool.invokeAll(writes, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    write.get();
                } catch (CancellationException e) {
                    LOG.warning("a status report took longer than " + timeout.toMillis() + " ms; left");
                } catch (ExecutionException e) {
                    LOG.log(Level.WARNING, "a status report failed: " + e.getCause().getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
    }

    void forget(String name) {
        written.remove(name);
    }

    private static Map<String, Object> fields(EngineReport report) {
        @SuppressWarnings("unchecked")
        Map<String, Object> present = JSON.convertValue(report, Map.class);
        Map<String, Object> all = new LinkedHashMap<>();
        for (String field : FIELDS) {
            all.put(field, present.get(field));
        }
        return all;
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a status report as JSON", e);
        }
    }
}
