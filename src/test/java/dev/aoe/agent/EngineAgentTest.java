package dev.aoe.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.Conditions;
import dev.aoe.api.DeviceSource;
import dev.aoe.api.EnginePath;
import dev.aoe.api.EngineReport;
import dev.aoe.api.ReclaimPolicy;
import dev.aoe.chart.ApiCalls;
import dev.aoe.engine.Engine;
import dev.aoe.initiator.AtaException;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.NetNs;
import dev.aoe.net.RawSocket;
import dev.aoe.net.VethPair;
import dev.aoe.operator.OperatorWrites;
import dev.aoe.protocol.MacAddress;
import dev.aoe.responder.StateFile;
import dev.aoe.testing.Exports;
import dev.aoe.testing.LoopDevices;
import dev.aoe.testing.Privileges;
import dev.aoe.testing.Shell;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent against the fabric8 mock API server (CRUD mode) and a real engine on end A of a veth
 * pair; the project's initiator on end B is the LAN. The test plays the operator: it labels an
 * export for the node and sets {@code status.acceptedGeneration}. Skips, saying why, without root.
 */
@EnableKubernetesMockClient(crud = true)
class EngineAgentTest {
    private static final String NODE = "node-1";
    private static final Duration PROBE = Duration.ofMillis(100);
    private static final Duration REPLY = Duration.ofSeconds(2);
    private static final Duration SILENCE = Duration.ofMillis(400);
    private static final Duration SETTLE = Duration.ofMillis(600);
    /** Serving is a probe and a few API calls: well under a second, far from the 60 s resync. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    private static final long MIB = 1 << 20;
    private static final int ATA_ERR_DRDY = 0x41;
    private static final int ATA_ABRT = 0x04;

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    private Path files;
    private Path state;
    private VethPair pair;
    private Initiator initiator;
    private Engine engine;
    private EngineAgent agent;
    /** The agent's own client: RbacMinimalityTest compares its recorded calls with the chart's roles. */
    private KubernetesClient agentClient;

    @BeforeEach
    void setUp() throws Exception {
        Privileges.assumeNetworkNamespaces();
        files = Files.createDirectories(dir.resolve("exports"));
        state = dir.resolve("state");
        client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
        pair = VethPair.create();
        initiator = pair.inB(() -> Initiator.open(pair.interfaceB()));
        engine = new Engine(state, "testhost", PROBE);
        agentClient = ApiCalls.client(client, "engine");
        agent = newAgent();
        agent.start();
    }

    private EngineAgent newAgent() {
        return new EngineAgent(agentClient, NODE, engine,
                TestConfig.of(Map.of("aoe.policy.file-roots", files.toString())),
                action -> NetNs.call(pair.namespaceA(), action));
    }

    /** The CRD with its status subresource, so the mock keeps status and spec apart as an API server does. */
    private static CustomResourceDefinition crd() {
        return CustomResourceDefinitionContext.v1CRDFromCustomResourceType(AoeExport.class)
                .editSpec().editFirstVersion().withNewSubresources().withNewStatus().endStatus().endSubresources()
                .endVersion().endSpec().build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (agentClient != null) {
            ApiCalls.collect(server);
            agentClient.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (initiator != null) {
            initiator.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    // ---- the operator's part, played by the test ----

    private AoeExport create(String name, int shelf, int slot, String path, boolean createFile) {
        AoeExport export = export(name, shelf, slot, path, createFile);
        export.getMetadata().getLabels().put(AoeExport.NODE_LABEL, NODE);
        return client.resource(export).create();
    }

    /** An export as a user applies it: not yet bound to a node. */
    private AoeExport export(String name, int shelf, int slot, String path, boolean createFile) {
        AoeExport export = Exports.ofFile(name, shelf, slot, NODE, path, createFile ? "1Mi" : null);
        export.getSpec().setInterfaceName(pair.interfaceA());
        export.getMetadata().setLabels(new HashMap<>());
        return export;
    }

    /** Accepts the export's current generation, with its condition, by a merge patch as the operator would. */
    private void accept(String name) {
        long generation = get(name).getMetadata().getGeneration();
        operatorPatch(name, Map.of("acceptedGeneration", generation,
                "conditions", List.of(Map.of("type", Conditions.ACCEPTED, "status", "True",
                        "reason", Conditions.VALID, "message", "accepted", "observedGeneration", generation,
                        "lastTransitionTime", "2026-01-01T00:00:00Z"))));
    }

    private void operatorPatch(String name, Map<String, Object> statusFields) {
        client.resources(AoeExport.class).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", statusFields)));
    }

    private void editSpec(String name, java.util.function.Consumer<AoeExportSpec> change) {
        client.resources(AoeExport.class).withName(name).edit(e -> {
            change.accept(e.getSpec());
            return e;
        });
    }

    private AoeExport get(String name) {
        return client.resources(AoeExport.class).withName(name).get();
    }

    private EngineReport awaitReport(String name, Predicate<EngineReport> condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            AoeExport e = get(name);
            return e != null && e.getStatus() != null && e.getStatus().getEngine() != null
                    && condition.test(e.getStatus().getEngine());
        });
        return get(name).getStatus().getEngine();
    }

    private static EnginePath lastPath(EngineReport report, String interfaceName) {
        return report.getPaths().stream().filter(p -> p.getInterfaceName().equals(interfaceName))
                .reduce((first, second) -> second).orElseThrow();
    }

    private EngineReport awaitServing(String name, long generation) {
        return awaitReport(name, r -> r.isServing() && r.getGeneration() == generation);
    }

    private long engineMac() throws Exception {
        try (RawSocket s = pair.openA()) {
            return MacAddress.of(s.mac());
        }
    }

    private static void assertNotAnswering(Initiator initiator, int shelf, int slot) throws Exception {
        assertTrue(initiator.discover(SILENCE).stream().noneMatch(t -> t.shelf() == shelf && t.slot() == slot),
                "e" + shelf + "." + slot + " still answers");
    }

    // ---- scenarios ----

    @Test
    void anExportAcceptedThenBoundWhileTheAgentRunsIsServedAtOnce() throws Exception {
        AoeExport applied = applyAsUser("late", 3, 0);
        OperatorWrites.accept(client, applied);
        OperatorWrites.bind(client, applied);
        assertServedPromptly("late", 3, 0);
    }

    @Test
    void anExportBoundThenAcceptedWhileTheAgentRunsIsServedAtOnce() throws Exception {
        AoeExport applied = applyAsUser("late", 3, 1);
        OperatorWrites.bind(client, applied);
        OperatorWrites.accept(client, get("late"));
        assertServedPromptly("late", 3, 1);
    }

    @Test
    void anExportBoundBeforeTheAgentStartsIsServedAtOnce() throws Exception {
        agent.close();
        AoeExport applied = applyAsUser("early", 3, 2);
        OperatorWrites.accept(client, applied);
        OperatorWrites.bind(client, applied);
        agent = newAgent();
        agent.start();
        assertServedPromptly("early", 3, 2);
    }

    /** Creates the export unbound, and adds the operator's finalizer as its first reconcile does. */
    private AoeExport applyAsUser(String name, int shelf, int slot) {
        client.resource(export(name, shelf, slot, files.resolve(name + ".img").toString(), true)).create();
        return client.resources(AoeExport.class).withName(name).edit(e -> {
            e.addFinalizer(AoeExport.OPERATOR_FINALIZER);
            return e;
        });
    }

    /** Served within seconds of the operator's last write: not left for the periodic resync. */
    private void assertServedPromptly(String name, int shelf, int slot) throws Exception {
        long start = System.nanoTime();
        await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(20)).until(() -> {
            AoeExport e = get(name);
            return e.getStatus() != null && e.getStatus().getEngine() != null && e.getStatus().getEngine().isServing();
        });
        initiator.find(shelf, slot, REPLY);
        System.out.printf("EngineAgentTest: %s served %d ms after the operator's last write%n", name,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void servesAnAcceptedExportAndReportsWhatInitiatorsSee() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        accept("disk");
        EngineReport report = awaitServing("disk", 1);

        TargetInfo t = initiator.find(1, 0, REPLY);
        assertEquals(engineMac(), t.mac());
        assertEquals(Conditions.REASON_SERVING, report.getReason());
        assertEquals(MacAddress.format(engineMac()), report.getMac());
        assertEquals(VethPair.DEFAULT_MTU, report.getMtu());
        assertEquals((VethPair.DEFAULT_MTU - 36) / 512, report.getSectorsPerFrame());
        assertEquals(MIB, report.getSizeBytes());
        assertEquals(MIB / 512, report.getSectors());
        assertEquals("Off", report.getWriteCache());
        assertNotNull(report.getServingSince());
        assertEquals(Boolean.TRUE, report.getCreatedSource());
        assertTrue(get("disk").hasFinalizer(AoeExport.ENGINE_FINALIZER));
        await().atMost(Duration.ofSeconds(2)).until(agent::ready);
        assertTrue(agent.live());
    }

    @Test
    void anExportOnTwoInterfacesReportsEachPathAndALinkThatWentDown() throws Exception {
        pair.addLink("aoe-a2", "aoe-b2", VethPair.DEFAULT_MTU);
        AoeExport export = export("multi", 1, 3, files.resolve("multi.img").toString(), true);
        export.getSpec().setInterfaceName(null);
        export.getSpec().setInterfaces(List.of(pair.interfaceA(), "aoe-a2"));
        export.getMetadata().getLabels().put(AoeExport.NODE_LABEL, NODE);
        client.resource(export).create();
        accept("multi");
        EngineReport report = awaitServing("multi", 1);

        assertEquals(List.of(pair.interfaceA(), "aoe-a2"), report.getPaths().stream().map(EnginePath::getInterfaceName).toList());
        assertTrue(report.getPaths().stream().allMatch(EnginePath::isUp));
        assertEquals(MacAddress.format(engineMac()), report.getPaths().get(0).getMac());
        assertEquals(initiator.find(1, 3, REPLY).mac(), engineMac());

        pair.setUpA("aoe-a2", "aoe-b2", false);
        accept("multi"); // any update of the export (or the periodic resync) reconciles it again
        EngineReport down = awaitReport("multi", r -> r.getMessage().endsWith("; link down on aoe-a2"));
        assertTrue(down.isServing());
        // The mock's JSON merge patch appends to lists where a real API server replaces them
        // (RFC 7386): the last entry of each interface is the one this report wrote.
        assertFalse(lastPath(down, "aoe-a2").isUp());
        assertTrue(lastPath(down, pair.interfaceA()).isUp());
        initiator.find(1, 3, REPLY);
    }

    @Test
    void aSourceDeletedWhileServedIsReportedOnTheNextReconcile() throws Exception {
        Path disk = files.resolve("gone.img");
        create("gone", 1, 2, disk.toString(), true);
        accept("gone");
        awaitServing("gone", 1);

        Files.delete(disk);
        accept("gone"); // any update of the export (or the periodic resync) reconciles it again
        EngineReport report = awaitReport("gone", r -> "SourceDeleted".equals(r.getReason()));
        assertTrue(report.isServing(), "the unlinked file is still served");
        assertEquals("the file " + disk + " was deleted or replaced while served; initiators still see the old data"
                + " until the export is re-created", report.getMessage());
    }

    @Test
    void aRefusedServingReportIsNotTurnedIntoANotServingOne() throws Exception {
        List<Boolean> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var watch = client.resources(AoeExport.class).withName("flaky").watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, AoeExport e) {
                if (e.getStatus() != null && e.getStatus().getEngine() != null) {
                    reported.add(e.getStatus().getEngine().isServing());
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        })) {
            create("flaky", 2, 0, files.resolve("flaky.img").toString(), true);
            accept("flaky");
            // The engine's first report is refused with a conflict, which the client does not retry.
            server.expect().patch().withPath("/apis/aoe.dev/v1alpha1/aoeexports/flaky/status")
                    .andReturn(409, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 409,
                            "reason", "Conflict", "message", "injected"))
                    .once();
            awaitServing("flaky", 1);
        }
        // Written by a retry, and never a report that the export is not served while it is.
        assertFalse(reported.contains(false), "reports seen: " + reported);
    }

    @Test
    void appliesAcceptedChangesLive() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        accept("disk");
        awaitServing("disk", 1);
        TargetInfo t = initiator.find(1, 0, REPLY);
        initiator.write(t, 0, ByteBuffer.wrap(new byte[512]));

        editSpec("disk", s -> s.setReadOnly(true));
        accept("disk");
        long readOnlyGeneration = get("disk").getMetadata().getGeneration();
        awaitServing("disk", readOnlyGeneration);
        TargetInfo readOnly = initiator.find(1, 0, REPLY);
        AtaException refused = assertThrows(AtaException.class,
                () -> initiator.write(readOnly, 0, ByteBuffer.wrap(new byte[512])));
        assertEquals(ATA_ERR_DRDY, refused.status());
        assertEquals(ATA_ABRT, refused.error());
        initiator.read(readOnly, 0, ByteBuffer.allocate(512));

        editSpec("disk", s -> s.setAllowedInitiators(List.of("02:00:00:00:00:01")));
        accept("disk");
        awaitServing("disk", get("disk").getMetadata().getGeneration());
        assertNotAnswering(initiator, 1, 0);
    }

    @Test
    void aGrownFileSizeIsServedLiveAndTheStatusFollows() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        accept("disk");
        EngineReport before = awaitServing("disk", 1);
        TargetInfo t = initiator.find(1, 0, REPLY);
        initiator.write(t, 0, ByteBuffer.wrap(new byte[512]));

        editSpec("disk", s -> s.getSource().getFile().setSize("4Mi"));
        accept("disk");
        EngineReport after = awaitServing("disk", get("disk").getMetadata().getGeneration());

        assertEquals(4 * MIB, after.getSizeBytes());
        assertEquals(4 * MIB / 512, after.getSectors());
        assertEquals(before.getServingSince(), after.getServingSince(), "grown in place, never stopped");
        assertEquals(4 * MIB, Files.size(files.resolve("disk.img")));
        assertEquals(4 * MIB / 512, initiator.identify(t).sectors(), "IDENTIFY answers the new size");
        initiator.write(t, MIB / 512 + 1, ByteBuffer.wrap(new byte[512]));
    }

    @Test
    void aDeviceGrownUnderTheExportIsMeasuredAgainOnTheNextReconcile() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices(dir)) {
            Path device = loops.attach("backing.img", MIB);
            agent.close();
            agent = new EngineAgent(agentClient, NODE, engine, TestConfig.of(Map.of(
                    "aoe.policy.file-roots", files.toString(), "aoe.policy.device-roots", device.getParent().toString())),
                    action -> NetNs.call(pair.namespaceA(), action));
            agent.start();
            AoeExport export = export("loop", 1, 5, device.toString(), false);
            export.getSpec().getSource().setFile(null);
            DeviceSource source = new DeviceSource();
            source.setPath(device.toString());
            export.getSpec().getSource().setDevice(source);
            export.getMetadata().getLabels().put(AoeExport.NODE_LABEL, NODE);
            client.resource(export).create();
            accept("loop");
            EngineReport first = awaitReport("loop", r -> r.getGeneration() == 1);
            assertTrue(first.isServing(), first.getReason() + ": " + first.getMessage());
            assertEquals(MIB, first.getSizeBytes());

            try (RandomAccessFile backing = new RandomAccessFile(dir.resolve("backing.img").toFile(), "rw")) {
                backing.setLength(3 * MIB);
            }
            Shell.run("losetup", "-c", device.toString());
            accept("loop"); // any update of the export, or the periodic resync, measures again

            assertEquals(3 * MIB, awaitReport("loop", r -> r.getSizeBytes() == 3 * MIB).getSizeBytes());
            TargetInfo t = initiator.find(1, 5, REPLY);
            assertEquals(3 * MIB / 512, initiator.identify(t).sectors());
            agent.close();
            agent = null;
            engine.close();
        }
    }

    @Test
    void keepsServingTheAcceptedFormUntilTheOperatorAcceptsANewOne() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        accept("disk");
        awaitServing("disk", 1);

        editSpec("disk", s -> s.setReadOnly(true));
        assertTrue(get("disk").getMetadata().getGeneration() > 1, "the spec change made a new generation");
        Thread.sleep(SETTLE.toMillis());
        TargetInfo t = initiator.find(1, 0, REPLY);
        initiator.write(t, 0, ByteBuffer.wrap(new byte[512]));
        assertEquals(1L, get("disk").getStatus().getEngine().getGeneration());
    }

    @Test
    void refusesAPathOutsideThePolicyAndKeepsServingTheOthers() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.img");
        Files.write(outside, new byte[(int) MIB]);
        create("good", 1, 0, files.resolve("good.img").toString(), true);
        accept("good");
        awaitServing("good", 1);
        create("bad", 1, 1, outside.toString(), false);
        accept("bad");

        EngineReport refused = awaitReport("bad", r -> r.getReason() != null);
        assertFalse(refused.isServing());
        assertEquals(Conditions.PATH_NOT_ALLOWED, refused.getReason());
        assertTrue(refused.getMessage().contains("outside the allowed file roots"), refused.getMessage());
        assertFalse(get("bad").hasFinalizer(AoeExport.ENGINE_FINALIZER));
        assertNotAnswering(initiator, 1, 1);
        initiator.find(1, 0, REPLY);
    }

    @Test
    void reportsAMissingSourceAsUnavailable() throws Exception {
        create("missing", 1, 2, files.resolve("absent.img").toString(), false);
        accept("missing");
        EngineReport report = awaitReport("missing", r -> r.getReason() != null);
        assertFalse(report.isServing());
        assertEquals(Conditions.SOURCE_UNAVAILABLE, report.getReason());
    }

    @Test
    void deletionStopsServingDeletesTheCreatedFileAndReleasesTheFinalizer() throws Exception {
        Path image = files.resolve("scratch.img");
        create("scratch", 1, 0, image.toString(), true);
        editSpec("scratch", s -> s.setReclaimPolicy(ReclaimPolicy.Delete));
        accept("scratch");
        awaitServing("scratch", get("scratch").getMetadata().getGeneration());
        initiator.find(1, 0, REPLY);
        assertTrue(Files.exists(image));

        client.resources(AoeExport.class).withName("scratch").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("scratch") == null);
        assertFalse(Files.exists(image), "the created file is deleted");
        assertFalse(Files.exists(StateFile.of(state, 1, 0).path()), "the state file is deleted");
        assertNotAnswering(initiator, 1, 0);
    }

    @Test
    void deletionKeepsAFileTheEngineDidNotCreate() throws Exception {
        Path image = Files.write(files.resolve("kept.img"), new byte[(int) MIB]);
        create("kept", 1, 1, image.toString(), true);
        editSpec("kept", s -> s.setReclaimPolicy(ReclaimPolicy.Delete));
        accept("kept");
        EngineReport report = awaitServing("kept", get("kept").getMetadata().getGeneration());
        assertFalse(Boolean.TRUE.equals(report.getCreatedSource()), "the file was there before");

        client.resources(AoeExport.class).withName("kept").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("kept") == null);
        assertTrue(Files.exists(image), "reclaimPolicy Delete removes only a file the export created");
        assertFalse(Files.exists(StateFile.of(state, 1, 1).path()), "the state file is deleted");
    }

    @Test
    void aRestartedEngineDeletesTheFileAnEarlierOneCreated() throws Exception {
        Path image = files.resolve("earlier.img");
        create("earlier", 1, 2, image.toString(), true);
        editSpec("earlier", s -> s.setReclaimPolicy(ReclaimPolicy.Delete));
        accept("earlier");
        long generation = get("earlier").getMetadata().getGeneration();
        assertEquals(Boolean.TRUE, awaitServing("earlier", generation).getCreatedSource());
        agent.close();
        engine.close();
        engine = new Engine(state, "testhost", PROBE);
        agent = newAgent();
        agent.start();
        awaitServing("earlier", generation);
        assertEquals(Boolean.TRUE, get("earlier").getStatus().getEngine().getCreatedSource(),
                "known from the last report: the new engine opened an existing file");

        client.resources(AoeExport.class).withName("earlier").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("earlier") == null);
        assertFalse(Files.exists(image), "the file an earlier engine created is deleted");
    }

    @Test
    void anExportUnboundFromTheNodeIsNoLongerServedAndItsFinalizerReleased() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        accept("disk");
        awaitServing("disk", 1);
        assertTrue(get("disk").hasFinalizer(AoeExport.ENGINE_FINALIZER));

        client.resources(AoeExport.class).withName("disk").edit(e -> {
            e.getMetadata().getLabels().remove(AoeExport.NODE_LABEL);
            return e;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !get("disk").hasFinalizer(AoeExport.ENGINE_FINALIZER));
        assertNotAnswering(initiator, 1, 0);
    }

    @Test
    void engineAndOperatorPatchesLeaveEachOthersFieldsAlone() throws Exception {
        create("disk", 1, 0, files.resolve("disk.img").toString(), true);
        operatorPatch("disk", Map.of("phase", Conditions.PENDING));
        accept("disk");
        awaitServing("disk", 1);
        AoeExport afterEngine = get("disk");
        assertEquals(Conditions.PENDING, afterEngine.getStatus().getPhase(), "the engine's patch kept the phase");
        assertEquals(1L, afterEngine.getStatus().getAcceptedGeneration());
        assertEquals(Conditions.ACCEPTED, afterEngine.getStatus().getConditions().get(0).getType());

        operatorPatch("disk", Map.of("phase", Conditions.PHASE_SERVING, "message", "served"));
        AoeExport afterOperator = get("disk");
        assertEquals(Conditions.PHASE_SERVING, afterOperator.getStatus().getPhase());
        EngineReport report = afterOperator.getStatus().getEngine();
        assertTrue(report.isServing(), "the operator's patch kept status.engine");
        assertEquals(MacAddress.format(engineMac()), report.getMac());

        // A report that clears fields (not serving any more) removes them and nothing else.
        editSpec("disk", s -> s.getSource().getFile().setPath(dir.resolve("elsewhere.img").toString()));
        accept("disk");
        EngineReport refused = awaitReport("disk", r -> !r.isServing());
        assertEquals(Conditions.PATH_NOT_ALLOWED, refused.getReason());
        assertEquals(null, refused.getMac());
        assertEquals(null, refused.getServingSince());
        assertEquals(Conditions.PHASE_SERVING, get("disk").getStatus().getPhase());
    }
}
