package dev.aoe.operator;

import dev.aoe.api.Conditions;
import dev.aoe.chart.ChartRulesReview;
import dev.aoe.testing.Exports;
import dev.aoe.testing.FaultInjectingDispatcher;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two operator replicas on one API server, leader-elected through the Lease the deployed operator
 * uses ({@link LeaderElection#LEASE} in the operator namespace), with short durations: only the
 * leader reconciles; when it stops, the other takes over within the lease duration and the
 * cluster converges; their reconciles never overlap in time.
 */
class LeaderElectionTest {
    private static final Duration LEASE_DURATION = Duration.ofSeconds(2);
    private static final Duration RENEW_DEADLINE = Duration.ofMillis(1500);
    private static final Duration RETRY_PERIOD = Duration.ofMillis(300);
    /** Slack on a loaded machine, on top of the lease duration. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @RegisterExtension
    final MockApiServer apiServer = new MockApiServer();
    private final FaultInjectingDispatcher api = apiServer.api();
    private final List<RecordingReconciler.Call> calls = new CopyOnWriteArrayList<>();
    private KubernetesClient client;

    private Operator replica(KubernetesClient c, String identity) {
        LeaderElectionConfiguration election = new LeaderElectionConfiguration(LeaderElection.LEASE,
                Exports.NAMESPACE, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, identity, null, false);
        return apiServer.stopLater(
                SimulatedCluster.startOperator(c, new RecordingReconciler(identity, calls), election, o -> { }));
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(Exports.NAMESPACE).withName(LeaderElection.LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private List<RecordingReconciler.Call> callsOf(String identity) {
        return calls.stream().filter(c -> c.instance().equals(identity)).toList();
    }

    @Test
    void onlyTheLeaderReconcilesAndTheOtherTakesOver() {
        client = apiServer.client();
        // JOSDK checks the Lease permissions first; the mock cannot answer that review, an API server
        // with the chart's RBAC would.
        api.answer("POST", "/selfsubjectrulesreviews$", 201, ChartRulesReview.operator());
        SimulatedCluster cluster = new SimulatedCluster(client);
        cluster.readyNode("n-le");
        cluster.create(Exports.file("le-1", 40, 0, "n-le", "/var/lib/aoe/le-1.img"));

        KubernetesClient clientA = apiServer.operatorClient(true, Duration.ofSeconds(10));
        KubernetesClient clientB = apiServer.operatorClient(true, Duration.ofSeconds(10));
        Operator operatorA = replica(clientA, "op-a");
        await().atMost(SimulatedCluster.WAIT).until(() -> "op-a".equals(holder()));
        replica(clientB, "op-b");
        cluster.awaitSettled("le-1", Conditions.VALID);
        cluster.create(Exports.file("le-2", 40, 1, "n-le", "/var/lib/aoe/le-2.img"));
        cluster.awaitSettled("le-2", Conditions.VALID);
        // B follows, and keeps following for a few renewals.
        await().during(LEASE_DURATION).atMost(SimulatedCluster.WAIT).until(() -> "op-a".equals(holder()));
        int callsA = callsOf("op-a").size();
        assertTrue(callsA > 0);
        assertEquals(0, callsOf("op-b").size(), "the follower reconciled");

        apiServer.stop(operatorA);
        long stoppedAt = System.nanoTime();
        cluster.create(Exports.file("le-3", 40, 2, "n-le", "/var/lib/aoe/le-3.img"));
        await().atMost(LEASE_DURATION.plus(SLACK)).until(() -> "op-b".equals(holder()));
        await().atMost(LEASE_DURATION.plus(SLACK)).until(() -> !callsOf("op-b").isEmpty());
        long takeoverMs = (callsOf("op-b").get(0).startNanos() - stoppedAt) / 1_000_000;
        cluster.awaitSettled("le-3", Conditions.VALID);
        assertEquals(1, cluster.daemonSets().size());
        assertTrue(takeoverMs <= LEASE_DURATION.plus(SLACK).toMillis(), "took over after " + takeoverMs + " ms");

        // Never both active: every reconcile of A ended before B's first began.
        long lastEndA = callsOf("op-a").stream().mapToLong(RecordingReconciler.Call::endNanos).max().orElseThrow();
        long firstStartB = callsOf("op-b").stream().mapToLong(RecordingReconciler.Call::startNanos).min().orElseThrow();
        assertTrue(lastEndA < firstStartB, "reconciles overlapped");
        assertEquals(callsA, callsOf("op-a").size(), "the stopped leader reconciled");
        System.out.println("LeaderElectionTest: op-a led (" + callsA + " reconciles, op-b 0 while following); op-a stopped,"
                + " op-b took over and reconciled after " + takeoverMs + " ms (lease " + LEASE_DURATION.toMillis()
                + " ms), " + callsOf("op-b").size() + " reconciles, 3 exports Valid, 1 DaemonSet, no overlap");
    }
}
