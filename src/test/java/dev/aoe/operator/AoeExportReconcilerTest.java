package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportStatus;
import dev.aoe.api.Conditions;
import dev.aoe.chart.ApiCalls;
import dev.aoe.config.AoeConfig;
import dev.aoe.testing.Exports;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciler against the fabric8 mock server (CRUD mode, no SSA: the mock lacks it) with
 * plain JOSDK: one operator for the class, every test on its own exports, nodes and addresses.
 * The engine is simulated: its pod and readiness, its status reports and its finalizer.
 */
@EnableKubernetesMockClient(crud = true)
class AoeExportReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NS = Exports.NAMESPACE;
    static KubernetesMockServer server;
    static KubernetesClient client;
    private static final String OPERATOR_DEPLOYMENT = "aoe-operator";
    private static Operator operator;
    private static Deployment operatorDeployment;
    /** The operator's own client: RbacMinimalityTest compares its recorded calls with the chart's roles. */
    private static KubernetesClient operatorClient;
    private static EngineDaemonSetOwner engineDaemonSet;

    @BeforeAll
    static void startOperator() {
        operatorDeployment = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName(OPERATOR_DEPLOYMENT).withNamespace(NS).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "op").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "op").endMetadata().endTemplate().endSpec()
                .build()).create();
        operatorClient = ApiCalls.client(client, "operator");
        AoeConfig config = Exports.config(Map.of("aoe.engine.owner-deployment", OPERATOR_DEPLOYMENT));
        operator = new Operator(o -> o.withKubernetesClient(operatorClient).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        operator.register(new AoeExportReconciler(config));
        operator.start();
        engineDaemonSet = new EngineDaemonSetOwner(operatorClient, config);
        engineDaemonSet.startWith(operator);
    }

    @AfterAll
    static void stopOperator() {
        engineDaemonSet.close();
        operator.stop();
        ApiCalls.collect(server);
        operatorClient.close();
    }

    // --- the simulated cluster ---

    private void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private void enginePod(String node, boolean ready) {
        var pod = new PodBuilder().withNewMetadata().withName("aoe-engine-" + node).withNamespace(NS)
                .withLabels(new EngineDaemonSet(Exports.config()).selector()).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("engine").withImage("aoe").endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
        client.pods().inNamespace(NS).resource(pod).createOr(p -> p.update());
    }

    /** A node with a Ready engine. */
    private void readyNode(String name) {
        node(name);
        enginePod(name, true);
    }

    private AoeExport create(AoeExport export) {
        return client.resource(export).create();
    }

    /** The engine's report, written as the agent does: a merge patch of status.engine only. */
    private void report(String name, long generation, boolean serving, String reason) {
        String engine = Serialization.asJson(Map.of("serving", serving, "reason", reason, "message",
                serving ? "serving on eth0 (52:54:00:00:00:01, MTU 9000)" : "source unavailable", "generation",
                generation, "mac", "52:54:00:00:00:01", "mtu", 9000, "sectorsPerFrame", 17, "sizeBytes", 1L << 20,
                "sectors", 2048, "writeCache", "Off"));
        client.resources(AoeExport.class).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"engine\":" + engine + "}}");
    }

    /** Changes the finalizers as the engine does, again when the operator wrote in between (409 Conflict). */
    private void editFinalizers(String name, Consumer<List<String>> change) {
        await().atMost(WAIT).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
            client.resources(AoeExport.class).withName(name).edit(e -> {
                change.accept(e.getMetadata().getFinalizers());
                return e;
            });
            return true;
        });
    }

    private AoeExport get(String name) {
        return client.resources(AoeExport.class).withName(name).get();
    }

    private static Condition condition(AoeExport e, String type) {
        return e.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private AoeExport awaitExport(String name, Predicate<AoeExport> p) {
        await().atMost(WAIT).until(() -> {
            AoeExport e = get(name);
            return e != null && e.getStatus() != null && p.test(e);
        });
        return get(name);
    }

    private AoeExport awaitAccepted(String name, String reason) {
        return awaitExport(name, e -> condition(e, Conditions.ACCEPTED) != null
                && reason.equals(condition(e, Conditions.ACCEPTED).getReason()));
    }

    private AoeExport awaitPhase(String name, String phase) {
        return awaitExport(name, e -> phase.equals(e.getStatus().getPhase()));
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace(ExportEvents.EVENT_NAMESPACE).list().getItems().stream()
                .filter(ev -> name.equals(ev.getInvolvedObject().getName())).toList();
    }

    // --- Accepted reasons ---

    @Test
    void invalidSpec() {
        AoeExport e = Exports.file("bad-slot", 3, 255, "n-invalid", "/var/lib/aoe/bad.img");
        create(e);
        AoeExport got = awaitAccepted("bad-slot", Conditions.INVALID_SPEC);
        assertEquals("spec.slot 255 is out of range 0-254; fix the spec", got.getStatus().getMessage());
        assertEquals(Conditions.FAILED, got.getStatus().getPhase());
        assertNull(got.getStatus().getAcceptedGeneration());
    }

    /**
     * A real API server refuses a shrink by the CRD's transition rule (CrdIT checks it is there);
     * the operator refuses it again, since old clusters and the mock evaluate no CEL, and keeps
     * the last accepted generation, so the engine keeps serving the old size.
     */
    @Test
    void aGrownFileSizeIsAcceptedAndAShrinkIsRefused() {
        readyNode("n-grow");
        create(Exports.file("grow", 60, 0, "n-grow", "/var/lib/aoe/grow.img"));
        AoeExport first = awaitAccepted("grow", Conditions.VALID);
        assertEquals("1Mi", first.getStatus().getAcceptedFileSize());

        client.resources(AoeExport.class).withName("grow").edit(e -> {
            e.getSpec().getSource().getFile().setSize("2Mi");
            return e;
        });
        AoeExport grown = awaitExport("grow", e -> "2Mi".equals(e.getStatus().getAcceptedFileSize()));
        assertEquals(grown.getMetadata().getGeneration(), grown.getStatus().getAcceptedGeneration());

        client.resources(AoeExport.class).withName("grow").edit(e -> {
            e.getSpec().getSource().getFile().setSize("1Mi");
            return e;
        });
        AoeExport shrunk = awaitAccepted("grow", Conditions.INVALID_SPEC);
        assertEquals("spec.source.file.size may only grow: 1Mi is less than 2Mi, the size accepted before (a served"
                + " disk never shrinks; create a new AoeExport for a smaller one); fix the spec",
                shrunk.getStatus().getMessage());
        assertEquals(grown.getMetadata().getGeneration(), shrunk.getStatus().getAcceptedGeneration(),
                "the engine keeps serving the grown form");
        assertEquals("2Mi", shrunk.getStatus().getAcceptedFileSize());
    }

    @Test
    void pathNotAllowed() {
        readyNode("n-policy");
        create(Exports.file("shadow", 4, 0, "n-policy", "/etc/shadow"));
        AoeExport got = awaitAccepted("shadow", Conditions.PATH_NOT_ALLOWED);
        assertTrue(got.getStatus().getMessage().startsWith("/etc/shadow is outside the allowed file roots [/var/lib/aoe]"),
                got.getStatus().getMessage());
        assertNull(got.getMetadata().getLabels() == null ? null : got.getMetadata().getLabels().get(AoeExport.NODE_LABEL));
    }

    /**
     * Right after an install the export comes before its engine pod: it is accepted and bound at
     * once (the engine serves it as soon as it starts), Pending and not Ready until the pod is.
     */
    @Test
    void nodeNotFoundThenAcceptedAndBoundBeforeItsEngineRuns() {
        create(Exports.file("lonely", 5, 0, "n-late", "/var/lib/aoe/lonely.img"));
        awaitAccepted("lonely", Conditions.NODE_NOT_FOUND);
        node("n-late");
        awaitAccepted("lonely", Conditions.VALID);
        // The binding follows the status write: the engine must find a status on every bound export.
        AoeExport got = awaitExport("lonely", e -> e.getMetadata().getLabels() != null
                && "n-late".equals(e.getMetadata().getLabels().get(AoeExport.NODE_LABEL)));
        assertEquals(1L, got.getStatus().getAcceptedGeneration());
        assertEquals(Conditions.STARTING, condition(got, Conditions.SERVING).getReason());
        assertEquals(Conditions.NO_ENGINE_ON_NODE, condition(got, Conditions.READY).getReason());
        assertEquals(Conditions.PENDING, got.getStatus().getPhase());
        assertTrue(events("lonely").stream().noneMatch(ev -> ExportEvents.WARNING.equals(ev.getType())
                        && Conditions.NO_ENGINE_ON_NODE.equals(ev.getReason())),
                "a missing engine pod is no Warning: " + events("lonely"));
        enginePod("n-late", true);
        // Now only the engine's report is missing.
        awaitExport("lonely", e -> Conditions.NOT_SERVING.equals(condition(e, Conditions.READY).getReason()));
    }

    /**
     * The DaemonSet cannot create the engine pods (a missing ServiceAccount, a PodSecurity
     * refusal): its controller says so only in Events, and the export passes that on.
     */
    @Test
    void aDaemonSetThatCannotCreatePodsIsNamedByTheExport() {
        node("n-nosa");
        await().atMost(WAIT).until(() -> client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get() != null);
        client.v1().events().inNamespace(NS).resource(new EventBuilder()
                .withNewMetadata().withName("aoe-engine.failed").withNamespace(NS).endMetadata()
                .withNewInvolvedObject().withApiVersion("apps/v1").withKind("DaemonSet").withName("aoe-engine")
                .withNamespace(NS).endInvolvedObject()
                .withType("Warning").withReason("FailedCreate").withLastTimestamp("2026-01-01T00:00:00Z")
                .withMessage("Error creating: pods \"aoe-engine-\" is forbidden: error looking up service account "
                        + "aoe-system/aoe-engine: serviceaccount \"aoe-engine\" not found")
                .build()).create();
        // What the DaemonSet controller reports: one node to run on, no pod.
        client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").editStatus(ds -> {
            ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(1).withCurrentNumberScheduled(0)
                    .withNumberMisscheduled(0).withNumberReady(0).build());
            return ds;
        });
        create(Exports.file("no-sa", 5, 9, "n-nosa", "/var/lib/aoe/no-sa.img"));
        AoeExport got = awaitExport("no-sa", e -> Conditions.ENGINE_NOT_CREATED.equals(condition(e, Conditions.READY).getReason()));
        assertTrue(got.getStatus().getMessage().contains("serviceaccount \"aoe-engine\" not found"), got.getStatus().getMessage());
        assertEquals(Conditions.VALID, condition(got, Conditions.ACCEPTED).getReason());
        assertEquals(Conditions.PENDING, got.getStatus().getPhase());
        client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").editStatus(ds -> {
            ds.setStatus(null);
            return ds;
        });
    }

    /**
     * Whatever deletes the operator deletes the engines: the engine DaemonSet is owned by the
     * operator's Deployment, and a real cluster's garbage collector follows that reference.
     */
    @Test
    void theEngineDaemonSetIsOwnedByTheOperatorDeployment() {
        readyNode("n-owned");
        create(Exports.file("owned", 5, 8, "n-owned", "/var/lib/aoe/owned.img"));
        awaitAccepted("owned", Conditions.VALID);
        await().atMost(WAIT).until(() -> client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get() != null);
        DaemonSet ds = client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get();
        assertEquals(1, ds.getMetadata().getOwnerReferences().size(), "owners: " + ds.getMetadata().getOwnerReferences());
        OwnerReference owner = ds.getMetadata().getOwnerReferences().get(0);
        assertEquals(List.of("apps/v1", "Deployment", OPERATOR_DEPLOYMENT, operatorDeployment.getMetadata().getUid()),
                List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid()));
    }

    // --- conflicts ---

    @Test
    void addressConflictAndTakeOverWhenTheHolderIsDeleted() throws Exception {
        readyNode("n-addr");
        create(Exports.file("holder", 6, 0, "n-addr", "/var/lib/aoe/holder.img"));
        awaitAccepted("holder", Conditions.VALID);
        Thread.sleep(1100); // creation timestamps have a one-second resolution
        create(Exports.file("waiting", 6, 0, "n-addr", "/var/lib/aoe/waiting.img"));
        AoeExport waiting = awaitAccepted("waiting", Conditions.ADDRESS_CONFLICT);
        assertEquals("e6.0 is already exported by AoeExport 'holder' (node n-addr); choose another shelf/slot",
                waiting.getStatus().getMessage());
        client.resources(AoeExport.class).withName("holder").delete();
        awaitAccepted("waiting", Conditions.VALID);
        await().atMost(WAIT).until(() -> get("holder") == null);
    }

    @Test
    void sourceConflict() throws Exception {
        readyNode("n-src");
        create(Exports.file("writer-a", 7, 0, "n-src", "/var/lib/aoe/shared.img"));
        awaitAccepted("writer-a", Conditions.VALID);
        Thread.sleep(1100);
        create(Exports.file("writer-b", 7, 1, "n-src", "/var/lib/aoe/shared.img"));
        AoeExport b = awaitAccepted("writer-b", Conditions.SOURCE_CONFLICT);
        assertTrue(b.getStatus().getMessage().contains("AoeExport 'writer-a' (e7.0)"), b.getStatus().getMessage());
    }

    // --- serving, readiness, phases, events ---

    @Test
    void pendingServingDegradedServingWithEventsOnTransitionsOnly() {
        readyNode("n-serve");
        create(Exports.file("disk-a", 8, 0, "n-serve", "/var/lib/aoe/disk-a.img"));
        awaitPhase("disk-a", Conditions.PENDING);
        report("disk-a", 1, true, Conditions.REASON_SERVING);
        AoeExport served = awaitPhase("disk-a", Conditions.PHASE_SERVING);
        assertEquals("1Mi", served.getStatus().getSize());
        assertEquals("True", condition(served, Conditions.READY).getStatus());

        enginePod("n-serve", false);
        AoeExport degraded = awaitPhase("disk-a", Conditions.DEGRADED);
        assertEquals(Conditions.ENGINE_NOT_READY, condition(degraded, Conditions.READY).getReason());
        enginePod("n-serve", true);
        awaitPhase("disk-a", Conditions.PHASE_SERVING);

        // Accepted/Valid, Serving/Starting, Ready/NotServing; then Serving/Serving, Ready/Ready;
        // then Ready/EngineNotReady (Normal: an engine restarting heals by itself); then Ready/Ready again.
        await().atMost(WAIT).until(() -> events("disk-a").size() == 7);
        List<Event> events = events("disk-a");
        assertEquals(0, events.stream().filter(ev -> ev.getType().equals(ExportEvents.WARNING)).count(), events.toString());
        assertTrue(events.stream().anyMatch(ev -> ev.getReason().equals(Conditions.ENGINE_NOT_READY)));
        // An unchanged report (same content) changes nothing and records nothing.
        report("disk-a", 1, true, Conditions.REASON_SERVING);
        enginePod("n-serve", true);
        await().during(Duration.ofMillis(700)).atMost(WAIT).until(() -> events("disk-a").size() == 7);
    }

    @Test
    void operatorAndEngineNeverEraseEachOther() {
        readyNode("n-owner");
        create(Exports.file("shared-status", 9, 0, "n-owner", "/var/lib/aoe/owner.img"));
        awaitAccepted("shared-status", Conditions.VALID);
        // The engine's report survives the operator's status update it causes.
        report("shared-status", 1, true, Conditions.REASON_SERVING);
        AoeExport served = awaitPhase("shared-status", Conditions.PHASE_SERVING);
        assertNotNull(served.getStatus().getEngine());
        assertEquals("52:54:00:00:00:01", served.getStatus().getEngine().getMac());
        // An operator update after the report (engine pod not ready) keeps the report too.
        enginePod("n-owner", false);
        AoeExport degraded = awaitPhase("shared-status", Conditions.DEGRADED);
        assertEquals(9000, degraded.getStatus().getEngine().getMtu());
        // The engine's next report keeps the operator's fields.
        report("shared-status", 1, false, Conditions.SOURCE_UNAVAILABLE);
        AoeExportStatus after = get("shared-status").getStatus();
        assertEquals("e9.0", after.getTarget());
        assertEquals(1L, after.getAcceptedGeneration());
        assertNotNull(condition(get("shared-status"), Conditions.ACCEPTED));
    }

    @Test
    void theEngineDaemonSetIsCreated() {
        readyNode("n-ds");
        create(Exports.file("ds-trigger", 10, 0, "n-ds", "/var/lib/aoe/ds.img"));
        await().atMost(WAIT).until(() -> client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get() != null);
        DaemonSet ds = client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get();
        assertEquals(new EngineDaemonSet(Exports.config()).desired().getSpec(), ds.getSpec());
        String version = ds.getMetadata().getResourceVersion();
        // More exports never rewrite it (so engines never restart for them).
        create(Exports.file("ds-trigger-2", 10, 1, "n-ds", "/var/lib/aoe/ds2.img"));
        awaitAccepted("ds-trigger-2", Conditions.VALID);
        assertEquals(version, client.apps().daemonSets().inNamespace(NS).withName("aoe-engine").get()
                .getMetadata().getResourceVersion());
    }

    // --- addresses from the pool ---

    /**
     * An export that names no address gets the lowest free one of the default pool, in its spec
     * and as its target, with an Event; the allocation table records it, and drops the entry of a
     * deleted export. The operator's Deployment owns the table, so an uninstall deletes it.
     */
    @Test
    void anExportWithoutAnAddressGetsOneFromThePool() {
        readyNode("n-pool");
        create(Exports.unaddressed("pooled-a", "n-pool", "/var/lib/aoe/pooled-a.img"));
        AoeExport a = awaitAccepted("pooled-a", Conditions.VALID);
        create(Exports.unaddressed("pooled-b", "n-pool", "/var/lib/aoe/pooled-b.img"));
        AoeExport b = awaitAccepted("pooled-b", Conditions.VALID);
        assertEquals(List.of(100, 0, 100, 1), List.of(a.getSpec().getShelf(), a.getSpec().getSlot(),
                b.getSpec().getShelf(), b.getSpec().getSlot()));
        assertEquals("e100.0", a.getStatus().getTarget());
        assertEquals("e100.0 on node n-pool is accepted", condition(a, Conditions.ACCEPTED).getMessage());
        assertTrue(events("pooled-b").stream().anyMatch(ev -> ExportEvents.ASSIGNED.equals(ev.getReason())
                && "Assigned e100.1 from the address pool (shelves 100-109, slots 0-254)".equals(ev.getMessage())),
                events("pooled-b").toString());
        assertEquals(Map.of("e100.0", "pooled-a/" + a.getMetadata().getUid(), "e100.1", "pooled-b/" + b.getMetadata().getUid()),
                addressTable());

        client.resources(AoeExport.class).withName("pooled-a").delete();
        await().atMost(WAIT).until(() -> get("pooled-a") == null);
        assertEquals(Map.of("e100.1", "pooled-b/" + b.getMetadata().getUid()), addressTable());
        List<OwnerReference> owners = client.configMaps().inNamespace(NS).withName(AddressTable.NAME).get()
                .getMetadata().getOwnerReferences();
        assertEquals(List.of(List.of("apps/v1", "Deployment", OPERATOR_DEPLOYMENT, operatorDeployment.getMetadata().getUid())),
                owners.stream().map(o -> List.of(o.getApiVersion(), o.getKind(), o.getName(), o.getUid())).toList(),
                "the table keeps its owner through every update");
    }

    private Map<String, String> addressTable() {
        return client.configMaps().inNamespace(NS).withName(AddressTable.NAME).get().getData();
    }

    // --- deletion ---

    @Test
    void deletionWaitsForTheEngineToReleaseItsFinalizer() {
        readyNode("n-del");
        create(Exports.file("to-delete", 11, 0, "n-del", "/var/lib/aoe/del.img"));
        awaitAccepted("to-delete", Conditions.VALID);
        editFinalizers("to-delete", f -> f.add(AoeExport.ENGINE_FINALIZER));
        client.resources(AoeExport.class).withName("to-delete").delete();
        awaitPhase("to-delete", Conditions.TERMINATING);
        editFinalizers("to-delete", f -> f.remove(AoeExport.ENGINE_FINALIZER));
        await().atMost(WAIT).until(() -> get("to-delete") == null);
    }

    @Test
    void theOperatorReleasesTheEngineFinalizerWhenTheNodeIsGone() {
        readyNode("n-gone");
        create(Exports.file("orphan", 12, 0, "n-gone", "/var/lib/aoe/orphan.img"));
        awaitAccepted("orphan", Conditions.VALID);
        editFinalizers("orphan", f -> f.add(AoeExport.ENGINE_FINALIZER));
        client.resources(AoeExport.class).withName("orphan").delete();
        awaitPhase("orphan", Conditions.TERMINATING);
        client.nodes().withName("n-gone").delete();
        await().atMost(WAIT).until(() -> get("orphan") == null);
    }
}
