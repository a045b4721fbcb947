package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import dev.aoe.testing.Exports;
import dev.aoe.testing.FaultInjectingDispatcher;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API server refusing (500), conflicting (409) and answering too late (past the client's
 * request timeout): the operator retries with JOSDK's default backoff (5 attempts, 2 s then x1.5)
 * and converges. The operator's client has its own 5xx/I/O retry switched off, so every fault
 * reaches the reconciler; in production that client retry absorbs most 5xx answers first.
 */
class ApiFaultsTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final String EXPORTS = "/apis/aoe.dev/v1alpha1/aoeexports/";
    private static final String DAEMONSETS = "/apis/apps/v1/namespaces/" + Exports.NAMESPACE + "/daemonsets$";
    /** JOSDK's default GenericRetry allows 5 retries after the first attempt. */
    private static final int MAX_ATTEMPTS = 6;

    private static final FaultInjectingDispatcher api = new FaultInjectingDispatcher();
    private static final List<String> summary = new ArrayList<>();
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static KubernetesClient operatorClient;
    private static SimulatedCluster cluster;
    private static RecordingReconciler reconciler;
    private static Operator operator;

    @BeforeAll
    static void start() {
        server = FaultInjectingDispatcher.server(api);
        client = server.createClient();
        cluster = new SimulatedCluster(client);
        // Warm up the server and the HTTP stack: a cold first request can outlast the short timeout.
        client.resources(AoeExport.class).inform().close();
        // The first engine DaemonSet create is refused: whichever export reconciles first meets it.
        api.fail("POST", DAEMONSETS, 500, 1);
        operatorClient = MockApiServer.operatorClient(client, false, CLIENT_TIMEOUT);
        reconciler = new RecordingReconciler("op");
        operator = SimulatedCluster.startOperator(operatorClient, reconciler, o -> { });
    }

    @AfterAll
    static void stop() {
        operator.stop();
        operatorClient.close();
        client.close();
        server.destroy();
        System.out.println("ApiFaultsTest: " + String.join("; ", summary));
    }

    private static List<FaultInjectingDispatcher.Seen> statusPatches(String name) {
        return api.seen("PATCH", EXPORTS + name + "/status$");
    }

    @Test
    void statusPatchRefusedTwiceThenWritten() {
        cluster.readyNode("n-f500");
        api.fail("PATCH", EXPORTS + "f500/status$", 500, 2);
        cluster.create(Exports.file("f500", 20, 0, "n-f500", "/var/lib/aoe/f500.img"));
        AoeExport got = cluster.awaitSettled("f500", Conditions.VALID);
        assertEquals(Conditions.PENDING, got.getStatus().getPhase());
        assertEquals(1L, got.getStatus().getAcceptedGeneration());
        List<FaultInjectingDispatcher.Seen> patches = statusPatches("f500");
        assertEquals(List.of(500, 500, 202), patches.stream().map(FaultInjectingDispatcher.Seen::code).toList());
        long failed = reconciler.calls("f500").stream().filter(RecordingReconciler.Call::failed).count();
        int attempts = reconciler.calls("f500").size();
        assertTrue(failed >= 2, "failed reconciles " + failed);
        assertTrue(attempts <= MAX_ATTEMPTS + 2, "attempts " + attempts);
        // Backoff: once no new event wakes it, the retry waits (JOSDK: 2 s, then 3 s); no hot loop.
        // (A failed attempt followed by an event, such as the DaemonSet's creation, runs again at once.)
        long firstGapMs = (patches.get(1).atNanos() - patches.get(0).atNanos()) / 1_000_000;
        long secondGapMs = (patches.get(2).atNanos() - patches.get(1).atNanos()) / 1_000_000;
        assertTrue(Math.max(firstGapMs, secondGapMs) >= 1500, firstGapMs + " ms, " + secondGapMs + " ms");
        // Events are recorded after the status is written: exactly one per transition.
        assertEquals(Map.of("Accepted/Valid", 1L, "Ready/NotServing", 1L, "Serving/Starting", 1L),
                cluster.eventCounts("f500"));
        summary.add("status PATCH 500x2: converged after " + attempts + " reconciles (" + failed
                + " failed, retries " + firstGapMs + "/" + secondGapMs + " ms apart), events once per transition");
    }

    @Test
    void conflictsOnFinalizerAndLabelPatches() {
        cluster.readyNode("n-f409");
        api.fail("PATCH", EXPORTS + "f409$", b -> b.contains("finalizers"), 409, 1);
        api.fail("PUT", EXPORTS + "f409$", b -> b.contains("finalizers"), 409, 1);
        api.fail("PATCH", EXPORTS + "f409$", b -> b.contains(AoeExport.NODE_LABEL), 409, 1);
        cluster.create(Exports.file("f409", 21, 0, "n-f409", "/var/lib/aoe/f409.img"));
        AoeExport got = cluster.awaitSettled("f409", Conditions.VALID);
        assertEquals(1, cluster.finalizerCount(got, AoeExport.OPERATOR_FINALIZER));
        assertEquals(List.of(AoeExport.OPERATOR_FINALIZER), got.getMetadata().getFinalizers());
        long conflicts = api.seen().stream().filter(s -> s.path().equals(EXPORTS + "f409") && s.code() == 409).count();
        assertTrue(conflicts >= 2, "conflicts answered: " + conflicts);
        assertEquals(Map.of("Accepted/Valid", 1L, "Ready/NotServing", 1L, "Serving/Starting", 1L),
                cluster.eventCounts("f409"));
        summary.add("409 on finalizer+label patches (" + conflicts + " answered): converged after "
                + reconciler.calls("f409").size() + " reconciles, finalizer once, label set");
    }

    @Test
    void statusPatchAnsweredAfterTheClientTimeout() {
        cluster.readyNode("n-fslow");
        // Applied by the server, but the answer comes after the client gave up.
        api.delay("PATCH", EXPORTS + "fslow/status$", CLIENT_TIMEOUT.multipliedBy(2), true, 1);
        cluster.create(Exports.file("fslow", 22, 0, "n-fslow", "/var/lib/aoe/fslow.img"));
        AoeExport got = cluster.awaitSettled("fslow", Conditions.VALID);
        assertEquals(1L, got.getStatus().getAcceptedGeneration());
        assertTrue(reconciler.calls("fslow").stream().anyMatch(RecordingReconciler.Call::failed),
                "the timed-out reconcile failed");
        Map<String, Long> events = cluster.eventCounts("fslow");
        assertTrue(events.values().stream().allMatch(n -> n == 1), events.toString());
        summary.add("status PATCH answered after the client timeout (applied): converged after "
                + reconciler.calls("fslow").size() + " reconciles, events " + events
                + (events.isEmpty() ? " (the applied write's Events are lost: recorded only after an answered PATCH)" : ""));
    }

    @Test
    void daemonSetCreateRefusedOnceThenCreatedOnce() {
        cluster.readyNode("n-fds");
        cluster.create(Exports.file("fds", 23, 0, "n-fds", "/var/lib/aoe/fds.img"));
        cluster.awaitSettled("fds", Conditions.VALID);
        await().atMost(SimulatedCluster.WAIT).until(() -> cluster.daemonSets().size() == 1);
        List<Integer> creates = api.seen("POST", DAEMONSETS).stream().map(FaultInjectingDispatcher.Seen::code).toList();
        assertEquals(500, creates.get(0));
        assertEquals(1, creates.stream().filter(c -> c == 201).count(), creates.toString());
        assertEquals(1, cluster.daemonSets().size());
        summary.add("DaemonSet POST 500x1: DaemonSet exists once (POST answers " + creates + ")");
    }

    private static org.awaitility.core.ConditionFactory await() {
        return org.awaitility.Awaitility.await();
    }
}
