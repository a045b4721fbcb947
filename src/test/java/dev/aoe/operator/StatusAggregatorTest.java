package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportStatus;
import dev.aoe.api.Conditions;
import dev.aoe.api.EnginePath;
import dev.aoe.api.EngineReport;
import dev.aoe.testing.Exports;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusAggregatorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final StatusAggregator aggregator = new StatusAggregator("eth0", "aoe-system");

    private static Findings good(EnginePodState pod) {
        return new Findings(List.of(), Optional.empty(), Optional.empty(), true, pod);
    }

    private static EngineReport report(long generation, boolean serving, String reason) {
        EngineReport r = new EngineReport();
        r.setGeneration(generation);
        r.setServing(serving);
        r.setReason(reason);
        r.setMessage(serving ? "serving on eth0" : "the file is gone");
        r.setSizeBytes(10L << 30);
        return r;
    }

    private static Condition condition(AoeExportStatus s, String type) {
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    /** Applies a status as the API server would store it, keeping the engine's report. */
    private static void store(AoeExport export, AoeExportStatus status) {
        EngineReport engine = export.getStatus() == null ? null : export.getStatus().getEngine();
        status.setEngine(engine);
        export.setStatus(status);
    }

    @Test
    void acceptedThenStartingThenServing() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        AoeExportStatus s = aggregator.aggregate(export, good(EnginePodState.READY), T0);
        assertEquals("True", condition(s, Conditions.ACCEPTED).getStatus());
        assertEquals(Conditions.STARTING, condition(s, Conditions.SERVING).getReason());
        assertEquals("the engine is applying generation 1", condition(s, Conditions.SERVING).getMessage());
        assertEquals(Conditions.PENDING, s.getPhase());
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals("e1.0", s.getTarget());
        assertEquals("eth0", s.getInterfaceName());
        assertNull(s.getSize());
        store(export, s);

        export.getStatus().setEngine(report(1, true, Conditions.REASON_SERVING));
        AoeExportStatus served = aggregator.aggregate(export, good(EnginePodState.READY), T0.plusSeconds(5));
        assertEquals(Conditions.PHASE_SERVING, served.getPhase());
        assertEquals("10Gi", served.getSize());
        assertEquals("e1.0 is served by node n1", served.getMessage());
        Condition ready = condition(served, Conditions.READY);
        assertEquals("True", ready.getStatus());
        assertEquals(T0.plusSeconds(5).toString(), ready.getLastTransitionTime());
        // Accepted did not change: its transition time is carried forward.
        assertEquals(T0.toString(), condition(served, Conditions.ACCEPTED).getLastTransitionTime());
        assertTrue(served.getConditions().stream().allMatch(c -> c.getObservedGeneration() == 1L));
    }

    /** Without an address the export waits, Pending rather than Failed, with no target. */
    @Test
    void anExportWithoutAnAddressWaitsForOne() {
        AoeExport export = Exports.unaddressed("pooled", "n1", "/var/lib/aoe/pooled.img");
        AoeExportStatus pending = aggregator.aggregate(export, good(EnginePodState.READY), T0);
        assertEquals(Conditions.ADDRESS_PENDING, condition(pending, Conditions.ACCEPTED).getReason());
        assertEquals("waiting for the operator to assign an address from its pool", pending.getMessage());
        assertEquals(Conditions.PENDING, pending.getPhase());
        assertNull(pending.getTarget());
        assertNull(pending.getAcceptedGeneration());

        Conflict full = new Conflict(Conditions.ADDRESS_POOL_EXHAUSTED, "no free address in the pool");
        AoeExportStatus exhausted = aggregator.aggregate(export, new Findings(List.of(), Optional.empty(),
                Optional.empty(), true, EnginePodState.READY, Optional.empty(), Optional.of(full)), T0);
        assertEquals(Conditions.ADDRESS_POOL_EXHAUSTED, condition(exhausted, Conditions.ACCEPTED).getReason());
        assertEquals("no free address in the pool", exhausted.getMessage());
        assertEquals(Conditions.PENDING, exhausted.getPhase());
        assertEquals(Conditions.NOT_ACCEPTED, condition(exhausted, Conditions.SERVING).getReason());
        assertEquals(ExportEvents.WARNING, ExportEvents.type(condition(exhausted, Conditions.ACCEPTED)));
        assertEquals(ExportEvents.NORMAL, ExportEvents.type(condition(pending, Conditions.ACCEPTED)));
    }

    @Test
    void degradedWhenTheEngineIsNotReadyAfterServing() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        store(export, aggregator.aggregate(export, good(EnginePodState.READY), T0));
        export.getStatus().setEngine(report(1, true, Conditions.REASON_SERVING));
        store(export, aggregator.aggregate(export, good(EnginePodState.READY), T0));
        AoeExportStatus s = aggregator.aggregate(export, good(EnginePodState.NOT_READY), T0);
        assertEquals(Conditions.DEGRADED, s.getPhase());
        assertEquals(Conditions.ENGINE_NOT_READY, condition(s, Conditions.READY).getReason());
        assertEquals("True", condition(s, Conditions.SERVING).getStatus());

        export.getStatus().setEngine(report(1, false, Conditions.SOURCE_UNAVAILABLE));
        s = aggregator.aggregate(export, good(EnginePodState.READY), T0);
        assertEquals(Conditions.DEGRADED, s.getPhase());
        assertEquals(Conditions.SOURCE_UNAVAILABLE, condition(s, Conditions.SERVING).getReason());
        assertEquals(Conditions.NOT_SERVING, condition(s, Conditions.READY).getReason());
        assertEquals("the file is gone", s.getMessage());
    }

    private static EnginePath path(String interfaceName, boolean up) {
        EnginePath p = new EnginePath();
        p.setInterfaceName(interfaceName);
        p.setMac("02:00:00:00:00:0" + interfaceName.length());
        p.setMtu(1500);
        p.setSectorsPerFrame(2);
        p.setUp(up);
        return p;
    }

    /** An export on eth1,eth2 that the engine serves, with each path's link {@code up} or not. */
    private AoeExportStatus multipath(AoeExport export, boolean eth1Up, boolean eth2Up) {
        export.getSpec().setInterfaces(List.of("eth1", "eth2"));
        store(export, aggregator.aggregate(export, good(EnginePodState.READY), T0));
        EngineReport report = report(1, true, Conditions.REASON_SERVING);
        report.setPaths(List.of(path("eth1", eth1Up), path("eth2", eth2Up)));
        export.getStatus().setEngine(report);
        return aggregator.aggregate(export, good(EnginePodState.READY), T0);
    }

    @Test
    void everyPathUpIsServingAndTheInterfacesAreListed() {
        AoeExportStatus s = multipath(Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img"), true, true);

        assertEquals(Conditions.PHASE_SERVING, s.getPhase());
        assertEquals(Conditions.REASON_READY, condition(s, Conditions.READY).getReason());
        assertEquals("eth1,eth2", s.getInterfaceName());
    }

    @Test
    void aPathDownIsDegradedButStillReadyAndNamesTheLink() {
        AoeExportStatus s = multipath(Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img"), true, false);

        assertEquals(Conditions.DEGRADED, s.getPhase());
        Condition ready = condition(s, Conditions.READY);
        assertEquals("True", ready.getStatus());
        assertEquals(Conditions.PATHS_DOWN, ready.getReason());
        assertEquals("e1.0 is served by node n1 on eth1 only: the link of eth2 is down; those paths serve again"
                + " when their links come up", s.getMessage());
    }

    @Test
    void everyPathDownIsNotReady() {
        AoeExportStatus s = multipath(Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img"), false, false);

        assertEquals(Conditions.DEGRADED, s.getPhase());
        Condition ready = condition(s, Conditions.READY);
        assertEquals("False", ready.getStatus());
        assertEquals(Conditions.INTERFACE_DOWN, ready.getReason());
        assertTrue(s.getMessage().contains("the link of eth1, eth2 are down"), s.getMessage());
        assertEquals("True", condition(s, Conditions.SERVING).getStatus(), "the engine still serves it");
    }

    @Test
    void aRefusedChangeKeepsTheAcceptedGeneration() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        store(export, aggregator.aggregate(export, good(EnginePodState.READY), T0));
        export.getStatus().setEngine(report(1, true, Conditions.REASON_SERVING));
        export.getMetadata().setGeneration(2L);
        Findings refused = new Findings(List.of(), Optional.empty(), Optional.of("/etc is outside the allowed file roots"),
                true, EnginePodState.READY);
        AoeExportStatus s = aggregator.aggregate(export, refused, T0);
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals(2L, s.getObservedGeneration());
        assertEquals(Conditions.FAILED, s.getPhase());
        assertEquals(Conditions.PATH_NOT_ALLOWED, condition(s, Conditions.ACCEPTED).getReason());
        assertEquals(2L, condition(s, Conditions.ACCEPTED).getObservedGeneration());
        // The engine still serves generation 1, and says so.
        assertEquals("True", condition(s, Conditions.SERVING).getStatus());
        assertEquals("/etc is outside the allowed file roots", s.getMessage());
    }

    @Test
    void eachAcceptedReasonInItsOrder() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        Conflict conflict = new Conflict(Conditions.ADDRESS_CONFLICT, "e1.0 is already exported");
        record Case(Findings findings, String reason) {
        }
        for (Case c : List.of(
                new Case(new Findings(List.of("spec.slot 255 is out of range 0-254"), Optional.of(conflict),
                        Optional.empty(), false, EnginePodState.ABSENT), Conditions.INVALID_SPEC),
                new Case(new Findings(List.of(), Optional.of(conflict), Optional.of("no"), false, EnginePodState.ABSENT),
                        Conditions.ADDRESS_CONFLICT),
                new Case(new Findings(List.of(), Optional.empty(), Optional.of("no"), false, EnginePodState.ABSENT),
                        Conditions.PATH_NOT_ALLOWED),
                new Case(new Findings(List.of(), Optional.empty(), Optional.empty(), false, EnginePodState.ABSENT),
                        Conditions.NODE_NOT_FOUND),
                new Case(good(EnginePodState.ABSENT), Conditions.VALID),
                new Case(good(EnginePodState.NOT_READY), Conditions.VALID))) {
            AoeExportStatus s = aggregator.aggregate(export, c.findings(), T0);
            assertEquals(c.reason(), condition(s, Conditions.ACCEPTED).getReason());
            boolean accepted = c.reason().equals(Conditions.VALID);
            assertEquals(accepted ? Conditions.STARTING : Conditions.NOT_ACCEPTED, condition(s, Conditions.SERVING).getReason());
            assertEquals(accepted ? Conditions.PENDING : Conditions.FAILED, s.getPhase());
        }
    }

    /**
     * An engine pod missing for a while (install, node joining, rolling restart) is about
     * readiness: the export stays accepted and bound, Pending (or Degraded once it was served),
     * never Failed, and the change is a Normal Event.
     */
    @Test
    void aMissingEngineIsPendingNotFailed() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        AoeExportStatus s = aggregator.aggregate(export, good(EnginePodState.ABSENT), T0);
        assertEquals(Conditions.VALID, condition(s, Conditions.ACCEPTED).getReason());
        assertEquals(1L, s.getAcceptedGeneration());
        assertEquals(Conditions.NO_ENGINE_ON_NODE, condition(s, Conditions.READY).getReason());
        assertEquals(Conditions.PENDING, s.getPhase());
        assertTrue(s.getMessage().startsWith("waiting for the aoe-engine pod on node n1"), s.getMessage());
        assertEquals(ExportEvents.NORMAL, ExportEvents.type(condition(s, Conditions.READY)));

        // Served, then its engine pod goes away for a restart: Degraded, still accepted.
        export.setStatus(s);
        s.setEngine(report(1, true, Conditions.REASON_SERVING));
        AoeExportStatus serving = aggregator.aggregate(export, good(EnginePodState.READY), T0);
        assertEquals(Conditions.PHASE_SERVING, serving.getPhase());
        export.setStatus(serving);
        serving.setEngine(report(1, false, Conditions.ENGINE_STOPPED));
        AoeExportStatus restarting = aggregator.aggregate(export, good(EnginePodState.ABSENT), T0);
        assertEquals("True", condition(restarting, Conditions.ACCEPTED).getStatus());
        assertEquals(Conditions.DEGRADED, restarting.getPhase());
        for (Condition c : restarting.getConditions()) {
            assertEquals(ExportEvents.NORMAL, ExportEvents.type(c), c.getType() + " " + c.getReason());
        }
    }

    /** When the DaemonSet cannot create pods, the export says so instead of suggesting selectors and taints. */
    @Test
    void aDaemonSetThatCannotCreatePodsIsNamed() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        Findings findings = new Findings(List.of(), Optional.empty(), Optional.empty(), true, EnginePodState.ABSENT,
                Optional.of("Error creating: pods \"aoe-engine-\" is forbidden: error looking up service account "
                        + "aoe-system/aoe-engine: serviceaccount \"aoe-engine\" not found"));
        AoeExportStatus s = aggregator.aggregate(export, findings, T0);
        assertEquals("True", condition(s, Conditions.ACCEPTED).getStatus());
        Condition ready = condition(s, Conditions.READY);
        assertEquals(Conditions.ENGINE_NOT_CREATED, ready.getReason());
        assertTrue(ready.getMessage().contains("the DaemonSet cannot create its pods: Error creating")
                && ready.getMessage().contains("serviceaccount \"aoe-engine\" not found")
                && !ready.getMessage().contains("taints"), ready.getMessage());
        assertEquals(Conditions.PENDING, s.getPhase());
        assertEquals(ExportEvents.WARNING, ExportEvents.type(ready));
    }

    @Test
    void terminating() {
        AoeExport export = Exports.file("disk-a", 1, 0, "n1", "/var/lib/aoe/a.img");
        export.getMetadata().setDeletionTimestamp(T0.toString());
        AoeExportStatus s = aggregator.aggregate(export, good(EnginePodState.READY), T0);
        assertEquals(Conditions.TERMINATING, s.getPhase());
        assertTrue(s.getMessage().contains("release finalizer aoe.dev/engine"), s.getMessage());
    }
}
