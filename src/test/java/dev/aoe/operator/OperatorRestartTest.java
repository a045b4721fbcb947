package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import dev.aoe.testing.Exports;
import dev.aoe.testing.FaultInjectingDispatcher;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator stopped abruptly in the middle of its reconciles (status writes hanging, one of
 * them applied by the server with the answer lost), then a new operator on the same API server:
 * everything converges, with one engine DaemonSet, each finalizer once (the engine's untouched)
 * and at most one Event per condition transition.
 */
class OperatorRestartTest {
    private static final String EXPORTS = "/apis/aoe.dev/v1alpha1/aoeexports/";
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final Map<String, Long> ONE_PER_TRANSITION =
            Map.of("Accepted/Valid", 1L, "Ready/NotServing", 1L, "Serving/Starting", 1L);

    @RegisterExtension
    final MockApiServer apiServer = new MockApiServer();
    private final FaultInjectingDispatcher api = apiServer.api();

    @Test
    void restartMidReconcileConverges() {
        KubernetesClient client = apiServer.client();
        SimulatedCluster cluster = new SimulatedCluster(client);
        cluster.readyNode("n-r");
        // r-lost: A's status write hangs, never applied. r-late: applied, the answer never reaches A.
        api.delay("PATCH", EXPORTS + "r-lost/status$", HANG, false, 100);
        api.delay("PATCH", EXPORTS + "r-late/status$", HANG, true, 100);
        cluster.create(Exports.file("r-lost", 30, 0, "n-r", "/var/lib/aoe/r-lost.img"));
        cluster.create(Exports.file("r-late", 30, 1, "n-r", "/var/lib/aoe/r-late.img"));

        KubernetesClient clientA = apiServer.operatorClient(true, Duration.ofSeconds(60));
        RecordingReconciler a = new RecordingReconciler("A");
        Operator operatorA = apiServer.stopLater(SimulatedCluster.startOperator(clientA, a,
                o -> o.withReconciliationTerminationTimeout(Duration.ofSeconds(1))));
        await().atMost(SimulatedCluster.WAIT).until(() -> !api.seen("PATCH", EXPORTS + "r-lost/status$").isEmpty()
                && !api.seen("PATCH", EXPORTS + "r-late/status$").isEmpty());
        await().atMost(SimulatedCluster.WAIT).until(() -> cluster.daemonSets().size() == 1);
        // Killed: in-flight requests cut, reconciles abandoned.
        clientA.close();
        apiServer.stop(operatorA);
        int callsA = a.calls().size();

        // While no operator runs: the engine took r-late (its status was written), a new export arrives.
        client.resources(AoeExport.class).withName("r-late").edit(e -> {
            e.addFinalizer(AoeExport.ENGINE_FINALIZER);
            return e;
        });
        cluster.create(Exports.file("r-new", 30, 2, "n-r", "/var/lib/aoe/r-new.img"));
        api.disarmAll();

        KubernetesClient clientB = apiServer.operatorClient(true, Duration.ofSeconds(10));
        RecordingReconciler b = new RecordingReconciler("B");
        apiServer.stopLater(SimulatedCluster.startOperator(clientB, b, o -> { }));
        for (String name : List.of("r-lost", "r-late", "r-new")) {
            AoeExport e = cluster.awaitSettled(name, Conditions.VALID);
            assertEquals(1, cluster.finalizerCount(e, AoeExport.OPERATOR_FINALIZER), name);
        }
        AoeExport late = cluster.get("r-late");
        assertEquals(List.of(AoeExport.OPERATOR_FINALIZER, AoeExport.ENGINE_FINALIZER), late.getMetadata().getFinalizers());
        assertEquals(List.of(AoeExport.OPERATOR_FINALIZER), cluster.get("r-lost").getMetadata().getFinalizers());
        // One DaemonSet, created once (by A); B found it and left it alone.
        assertEquals(1, cluster.daemonSets().size());
        assertEquals(1, api.seen("POST", "/daemonsets$").stream().filter(s -> s.code() == 201).count());
        assertTrue(api.seen("PUT", "/daemonsets/").isEmpty(), "the DaemonSet was not rewritten");
        // Events: recorded after an answered status write, so never twice for one transition.
        assertEquals(ONE_PER_TRANSITION, cluster.eventCounts("r-lost"));
        assertEquals(ONE_PER_TRANSITION, cluster.eventCounts("r-new"));
        Map<String, Long> lateEvents = cluster.eventCounts("r-late");
        assertTrue(lateEvents.values().stream().allMatch(n -> n == 1), lateEvents.toString());
        System.out.println("OperatorRestartTest: A stopped with status writes hanging (" + callsA
                + " reconciles); B converged 3 exports in " + b.calls().size() + " reconciles; 1 DaemonSet (1 create);"
                + " operator finalizer once each, engine finalizer kept; events r-lost " + cluster.eventCounts("r-lost").size()
                + ", r-new " + cluster.eventCounts("r-new").size() + ", r-late " + lateEvents.size()
                + (lateEvents.isEmpty() ? " (its status was applied before the kill, its Events were never recorded)" : ""));
    }
}
