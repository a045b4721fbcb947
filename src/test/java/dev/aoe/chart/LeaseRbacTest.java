package dev.aoe.chart;

import dev.aoe.operator.LeaderElection;
import dev.aoe.testing.FaultInjectingDispatcher;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE;
import static io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE;
import static io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's Lease permissions, derived from what leader election really sends. fabric8's
 * {@code LeaderElector} with a {@code LeaseLock}, built as JOSDK builds it (its default durations,
 * scaled down), is driven down every path it has against the mock API server, and each request
 * the elector's client makes is recorded as RBAC sees it (verb and object name). JOSDK itself
 * adds a check before it elects: a SelfSubjectRulesReview that must list certain Lease verbs.
 * The chart's Role must authorize every recorded request (as the API server's authorizer would,
 * resourceNames included) and grant nothing more: each verb on the one Lease it uses, except
 * create, which a resourceNames rule can never match (the name is not in the request's URL).
 * JOSDK builds the elector with releaseOnCancel false (a stopped operator leaves its Lease to run
 * out); fabric8's release is driven too, so that a JOSDK that turns it on finds it granted.
 * A fabric8 or JOSDK upgrade that changes a verb fails here.
 */
class LeaseRbacTest {
    private static final String NAMESPACE = Charts.NAMESPACE;
    private static final String LEASE = LeaderElection.LEASE;
    private static final String LEASE_PATH = "/leases/" + LEASE + "$";
    /** JOSDK's defaults (15 s, 10 s, 2 s) a tenth as long: the Lease stores whole seconds (1). */
    private static final Duration LEASE_DURATION = LEASE_DURATION_DEFAULT_VALUE.dividedBy(10);
    private static final Duration RENEW_DEADLINE = RENEW_DEADLINE_DEFAULT_VALUE.dividedBy(10);
    private static final Duration RETRY_PERIOD = RETRY_PERIOD_DEFAULT_VALUE.dividedBy(10);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ME = "me";
    private static final String JOSDK_IDENTITY = "josdk-operator";

    /** Every path of leader election on the Lease; each runs on its own mock server. */
    enum Path {
        ACQUIRE_FRESH("acquire a fresh Lease (none exists)"),
        RENEW("renew its own Lease"),
        TAKE_OVER_EXPIRED("take over an expired Lease of a dead pod"),
        HELD_BY_ANOTHER("fail to take a valid Lease held by another, retry"),
        CONFLICT("409 on a concurrent update while acquiring, retry"),
        STOP_AS_JOSDK("stop as JOSDK stops it (releaseOnCancel false)"),
        RELEASE_ON_CANCEL("release on cancel (releaseOnCancel true)"),
        JOSDK_OPERATOR("JOSDK operator: check, elect, renew, stop");

        final String what;

        Path(String what) {
            this.what = what;
        }
    }

    private static final Map<Path, List<ApiCalls.Request>> SEEN = new EnumMap<>(Path.class);
    private static Set<String> josdkRequiredVerbs;

    @AfterAll
    static void table() {
        StringBuilder out = new StringBuilder("LeaseRbacTest: Lease requests per path (verb order as sent):");
        SEEN.forEach((path, calls) -> out.append("\n  ").append(path.what).append(": ").append(calls.isEmpty() ? "none"
                : calls.stream().map(ApiCalls.Request::verb).collect(Collectors.joining(" "))));
        if (josdkRequiredVerbs != null) {
            out.append("\n  JOSDK's SelfSubjectRulesReview check requires: ").append(josdkRequiredVerbs);
        }
        System.out.println(out);
    }

    @Test
    void acquiresAFreshLease() {
        assertAuthorized(Path.ACQUIRE_FRESH);
    }

    @Test
    void renewsItsOwnLease() {
        assertAuthorized(Path.RENEW);
    }

    @Test
    void takesOverAnExpiredLeaseOfADeadPod() {
        assertAuthorized(Path.TAKE_OVER_EXPIRED);
    }

    @Test
    void waitsWhileAnotherHoldsAValidLease() {
        assertAuthorized(Path.HELD_BY_ANOTHER);
    }

    @Test
    void retriesAfterAConflict() {
        assertAuthorized(Path.CONFLICT);
    }

    @Test
    void stopsWithoutReleasingAsJosdkAsks() {
        assertAuthorized(Path.STOP_AS_JOSDK);
    }

    @Test
    void releasesOnCancelWhenAsked() {
        assertAuthorized(Path.RELEASE_ON_CANCEL);
    }

    /** JOSDK's own check passes with the chart's rules (split by resourceNames), and it leads. */
    @Test
    void theJosdkOperatorLeadsWithTheChartsRules() {
        assertAuthorized(Path.JOSDK_OPERATOR);
    }

    @Test
    void theRoleGrantsExactlyWhatLeaderElectionUses() {
        Set<String> needed = new TreeSet<>();
        for (Path path : Path.values()) {
            calls(path).forEach(r -> needed.add(r.verb() + " " + (r.name().isEmpty() ? "any" : r.name())));
        }
        // JOSDK's check takes a verb granted on any Lease or on this one; only this one when nothing else needs it.
        josdkRequiredVerbs().stream().filter(verb -> !needed.contains(verb + " any"))
                .forEach(verb -> needed.add(verb + " " + LEASE));
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : leaseRules()) {
            for (String verb : rule.getVerbs()) {
                if (rule.getResourceNames().isEmpty()) {
                    granted.add(verb + " any");
                } else {
                    rule.getResourceNames().forEach(name -> granted.add(verb + " " + name));
                }
            }
        }
        assertEquals(needed, granted, "coordination.k8s.io leases: verb and the Lease it may touch (any: no"
                + " resourceNames), granted by the chart's Role vs. used by leader election");
    }

    private static void assertAuthorized(Path path) {
        for (ApiCalls.Request r : calls(path)) {
            boolean allowed = leaseRules().stream().anyMatch(rule -> rule.getVerbs().contains(r.verb())
                    && (rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(r.name())));
            assertTrue(allowed, path.what + ": the chart's Role forbids " + r);
        }
    }

    /** The operator's rules on Leases, as the chart renders them. */
    private static List<PolicyRule> leaseRules() {
        return ChartRulesReview.operatorRules().stream()
                .filter(r -> r.getApiGroups().contains("coordination.k8s.io") && r.getResources().contains("leases"))
                .toList();
    }

    /**
     * The Lease requests of {@code path}, driven once per run by whichever test asks first
     * ({@link #theRoleGrantsExactlyWhatLeaderElectionUses} needs them all); each driver checks
     * that its path went the way its name says.
     */
    private static synchronized List<ApiCalls.Request> calls(Path path) {
        return SEEN.computeIfAbsent(path, p -> {
            try (Scene scene = new Scene()) {
                List<ApiCalls.Request> calls = switch (p) {
                    case ACQUIRE_FRESH -> acquireFresh(scene);
                    case RENEW -> renew(scene);
                    case TAKE_OVER_EXPIRED -> takeOverExpired(scene);
                    case HELD_BY_ANOTHER -> heldByAnother(scene);
                    case CONFLICT -> conflict(scene);
                    case STOP_AS_JOSDK -> stop(scene, false);
                    case RELEASE_ON_CANCEL -> stop(scene, true);
                    case JOSDK_OPERATOR -> josdkOperator(scene);
                };
                assertTrue(calls.stream().allMatch(r -> r.group().equals("coordination.k8s.io")
                        && r.resource().equals("leases")), p.what + ": more than the Lease: " + calls);
                return calls;
            }
        });
    }

    private static List<ApiCalls.Request> acquireFresh(Scene scene) {
        Candidate me = scene.candidate(false);
        await().atMost(WAIT).until(me.leading::get);
        Lease lease = scene.lease().get();
        assertEquals(ME, lease.getSpec().getHolderIdentity());
        assertEquals(0, lease.getSpec().getLeaseTransitions());
        return me.acquired();
    }

    private static List<ApiCalls.Request> renew(Scene scene) {
        Candidate me = scene.candidate(false);
        me.acquired();
        List<ApiCalls.Request> renewals = new ArrayList<>();
        ZonedDateTime renewedAt = scene.lease().get().getSpec().getRenewTime();
        await().atMost(WAIT).until(() -> {
            renewals.addAll(scene.take());
            return renewals.stream().filter(r -> r.verb().equals("patch")).count() >= 2;
        });
        Lease lease = scene.lease().get();
        assertTrue(me.leading.get());
        assertEquals(ME, lease.getSpec().getHolderIdentity());
        assertTrue(lease.getSpec().getRenewTime().isAfter(renewedAt), "renewed");
        return renewals;
    }

    private static List<ApiCalls.Request> takeOverExpired(Scene scene) {
        scene.lease().create(lease("dead-pod", now().minusHours(1), 15));
        Candidate me = scene.candidate(false);
        List<ApiCalls.Request> calls = me.acquired();
        Lease lease = scene.lease().get();
        assertEquals(ME, lease.getSpec().getHolderIdentity());
        assertEquals(4, lease.getSpec().getLeaseTransitions(), "a new holder counts a transition");
        return calls;
    }

    private static List<ApiCalls.Request> heldByAnother(Scene scene) {
        scene.lease().create(lease("other-pod", now(), 600));
        Candidate me = scene.candidate(false);
        List<ApiCalls.Request> attempts = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            attempts.addAll(scene.take());
            return attempts.size() >= 3;
        });
        assertFalse(me.leading.get());
        assertEquals("other-pod", scene.lease().get().getSpec().getHolderIdentity());
        return attempts;
    }

    /**
     * Another pod took the expired Lease after the candidate read it: the candidate's read answers
     * the old Lease, so its write carries an old resourceVersion and the API server refuses it (409);
     * the candidate reads again, finds the other pod's valid Lease and waits.
     */
    private static List<ApiCalls.Request> conflict(Scene scene) {
        Lease expired = scene.lease().create(lease("dead-pod", now().minusHours(1), 15));
        scene.lease().edit(l -> new LeaseBuilder(lease("rival-pod", now(), 600)).withMetadata(l.getMetadata()).build());
        scene.api.answer("GET", LEASE_PATH, 200, expired, 1);
        Candidate me = scene.candidate(false);
        await().atMost(WAIT).until(() -> scene.api.seen("PATCH", LEASE_PATH).stream().anyMatch(s -> s.code() == 409));
        List<ApiCalls.Request> calls = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            calls.addAll(scene.take());
            return calls.stream().filter(r -> r.verb().equals("get")).count() >= 3;
        });
        assertFalse(me.leading.get());
        assertEquals("rival-pod", scene.lease().get().getSpec().getHolderIdentity());
        return calls;
    }

    private static List<ApiCalls.Request> stop(Scene scene, boolean releaseOnCancel) {
        Candidate me = scene.candidate(releaseOnCancel);
        me.acquired();
        ZonedDateTime acquiredAt = scene.lease().get().getSpec().getAcquireTime();
        // Stopped right after a renewal, so that no renewal is under way.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> scene.take().stream().anyMatch(r -> r.verb().equals("patch")));
        me.running.cancel(true);
        await().atMost(WAIT).until(() -> !me.leading.get());
        // A release rewrites the Lease as acquired now, for one second; otherwise it runs out on its own.
        assertEquals(releaseOnCancel, scene.lease().get().getSpec().getAcquireTime().isAfter(acquiredAt), "released");
        return scene.take();
    }

    private static List<ApiCalls.Request> josdkOperator(Scene scene) {
        scene.api.answer("POST", "/selfsubjectrulesreviews$", 201, ChartRulesReview.operator());
        Operator operator = scene.operator();
        try {
            operator.start();
            await().atMost(WAIT).until(() -> {
                Lease lease = scene.lease().get();
                return lease != null && JOSDK_IDENTITY.equals(lease.getSpec().getHolderIdentity());
            });
        } finally {
            operator.stop();
        }
        // The rest is the review and the idle controller's informer.
        return scene.take().stream().filter(r -> r.resource().equals("leases")).toList();
    }

    /** The Lease verbs JOSDK's check asks for: what it says is missing when the review grants nothing. */
    private static synchronized Set<String> josdkRequiredVerbs() {
        if (josdkRequiredVerbs == null) {
            try (Scene scene = new Scene()) {
                scene.api.answer("POST", "/selfsubjectrulesreviews$", 201, ChartRulesReview.answer(List.of()));
                OperatorException refused = assertThrows(OperatorException.class, scene.operator()::start);
                String message = refused.getMessage() + ": " + refused.getCause();
                Matcher m = Pattern.compile("missing required verbs: \\[(.*)]").matcher(message);
                assertTrue(m.find(), "JOSDK's refusal no longer lists the verbs it wants: " + message);
                josdkRequiredVerbs = new TreeSet<>(Arrays.asList(m.group(1).split(",\\s*")));
            }
        }
        return josdkRequiredVerbs;
    }

    private static Lease lease(String holder, ZonedDateTime renewed, int durationSeconds) {
        return new LeaseBuilder().withNewMetadata().withName(LEASE).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(durationSeconds)
                .withAcquireTime(renewed).withRenewTime(renewed).withLeaseTransitions(3).endSpec().build();
    }

    private static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }

    /** One mock API server, a client that sets the scene, and the recorded client of the code under test. */
    private static final class Scene implements AutoCloseable {
        final FaultInjectingDispatcher api = new FaultInjectingDispatcher();
        final KubernetesMockServer server = FaultInjectingDispatcher.server(api);
        final KubernetesClient client = server.createClient();
        final KubernetesClient recorded = ApiCalls.client(client, "leader-election");
        final ExecutorService executor = Executors.newCachedThreadPool();
        private final List<Candidate> candidates = new ArrayList<>();

        Resource<Lease> lease() {
            return client.leases().inNamespace(NAMESPACE).withName(LEASE);
        }

        /** The recorded client's requests since the last take. */
        List<ApiCalls.Request> take() {
            return ApiCalls.take(server, "leader-election");
        }

        /** fabric8's elector as JOSDK's LeaderElectionManager builds it; the cancel behaviour is the test's. */
        Candidate candidate(boolean releaseOnCancel) {
            Candidate c = new Candidate(this, releaseOnCancel);
            candidates.add(c);
            return c;
        }

        /** A JOSDK operator with leader election on the Lease and one controller that does nothing. */
        Operator operator() {
            LeaderElectionConfiguration election = new LeaderElectionConfiguration(LEASE, NAMESPACE, LEASE_DURATION,
                    RENEW_DEADLINE, RETRY_PERIOD, JOSDK_IDENTITY, null, false);
            Operator operator = new Operator(o -> o.withKubernetesClient(recorded).withCloseClientOnStop(false)
                    .withLeaderElectionConfiguration(election));
            operator.register(new Idle());
            return operator;
        }

        @Override
        public void close() {
            candidates.forEach(c -> c.running.cancel(true));
            executor.shutdownNow();
            recorded.close();
            client.close();
            server.destroy();
        }
    }

    /** A running elector. */
    private static final class Candidate {
        final AtomicBoolean leading = new AtomicBoolean();
        private final CompletableFuture<List<ApiCalls.Request>> acquired = new CompletableFuture<>();
        final CompletableFuture<?> running;

        Candidate(Scene scene, boolean releaseOnCancel) {
            // Taken in the elector's callback, before its renew loop starts: the acquiring requests only.
            Runnable started = () -> {
                leading.set(true);
                acquired.complete(scene.take());
            };
            LeaderCallbacks callbacks = new LeaderCallbacks(started, () -> leading.set(false), id -> {
            });
            running = new LeaderElectorBuilder(scene.recorded, scene.executor)
                    .withConfig(new LeaderElectionConfig(new LeaseLock(NAMESPACE, LEASE, ME), LEASE_DURATION,
                            RENEW_DEADLINE, RETRY_PERIOD, callbacks, releaseOnCancel, LEASE))
                    .build().start();
        }

        /** The requests up to leadership, once it leads. */
        List<ApiCalls.Request> acquired() {
            return acquired.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    /** JOSDK will not start without a controller; this one watches ConfigMaps and never changes anything. */
    static final class Idle implements Reconciler<ConfigMap> {
        @Override
        public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context) {
            return UpdateControl.noUpdate();
        }
    }
}
