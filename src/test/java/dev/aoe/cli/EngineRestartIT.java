package dev.aoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.api.AoeExport;
import dev.aoe.api.EngineReport;
import dev.aoe.ata.Ata;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.NamespacePortForward;
import dev.aoe.net.VethPair;
import dev.aoe.operator.OperatorWrites;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.testing.AoeCli;
import dev.aoe.testing.Command;
import dev.aoe.testing.Exports;
import dev.aoe.testing.Veth;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;

/**
 * The serving gap of an engine restart, as a rolling upgrade makes it on every node: the packaged
 * {@code aoe engine} serves a bound, accepted export on end A of a veth pair (its API server, the
 * fabric8 mock in this JVM, reached through a port forwarded into the namespace); an initiator on
 * end B reads a sector every few milliseconds and resends when no reply comes, as the Linux
 * driver does. The engine gets SIGTERM; once it has exited (as the kubelet waits) a new one
 * starts. The gap, from the SIGTERM to the first reply of the new process, must stay under
 * {@link #LIMIT}; its phases are printed.
 */
@EnableKubernetesMockClient(crud = true)
class EngineRestartIT {
    private static final String NODE = "node-1";
    private static final String NAME = "disk";
    private static final int SHELF = 7;
    private static final int SLOT = 3;
    private static final Duration LIMIT = Duration.ofSeconds(5);
    /** The initiator resends an unanswered READ this often. */
    private static final Duration RESEND = Duration.ofMillis(10);
    private static final String TARGET = "e" + SHELF + "." + SLOT;

    KubernetesMockServer server;
    KubernetesClient client;

    @Veth
    VethPair veth;
    @TempDir
    Path dir;
    private NamespacePortForward api;

    @BeforeEach
    void setUp() throws Exception {
        api = NamespacePortForward.open(veth.namespaceA(), client.getMasterUrl().getPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aRestartedEngineAnswersWithinSecondsOfTheSigterm() throws Exception {
        client.apiextensions().v1().customResourceDefinitions()
                .load(AoeCli.projectDir().resolve("crds/aoeexports.aoe.dev-v1.yml").toFile()).create();
        Path files = Files.createDirectories(dir.resolve("exports"));
        AoeExport created = client.resource(export(files.resolve("disk.img"))).create();
        OperatorWrites.accept(client, created);
        OperatorWrites.bind(client, created);
        Path kubeconfig = HealthProbe.kubeconfig(dir, "https://127.0.0.1:" + api.port(), "default");
        AoeCli engine = AoeCli.aoe("engine", "--node", NODE, "--state-dir", dir.resolve("state").toString())
                .inNetns(veth.namespaceA())
                .withEnv("KUBECONFIG", kubeconfig.toString())
                .withEnv("AOE_POLICY_FILE_ROOTS", files.toString());

        Map<String, Long> phases = new LinkedHashMap<>();
        ServingReports reports = new ServingReports();
        try (Watch watch = client.resources(AoeExport.class).withName(NAME).watch(reports);
             Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()));
             Command.Background old = engine.start()) {
            reports.servingAfter(0, Duration.ofSeconds(60), () -> client.resources(AoeExport.class).withName(NAME).get()
                    .getStatus() + "\n" + old.stdout() + old.stderr());
            TargetInfo target = initiator.find(SHELF, SLOT, Duration.ofSeconds(5));
            try (Reader reader = Reader.start(initiator, target)) {
                reader.awaitReplies(20);
                long sigterm = System.nanoTime();
                Command.Result stopped = old.stop(Duration.ofSeconds(60));
                long exited = System.nanoTime();
                assertEquals(0, stopped.exit(), stopped::describe);
                phases.put("last reply of the old process", reader.lastReplyBefore(exited));
                phases.put("old process exited", exited);
                try (Command.Background fresh = engine.start()) {
                    phases.put("new process started", System.nanoTime());
                    fresh.awaitStdout("watching exports", Duration.ofSeconds(30));
                    phases.put("agent watching (informer synced)", System.nanoTime());
                    fresh.awaitStdout(TARGET + " serving", Duration.ofSeconds(30));
                    phases.put("export served (engine log)", System.nanoTime());
                    long first = reader.firstReplyAfter(exited, Duration.ofSeconds(30));
                    phases.put("first reply of the new process", first);
                    phases.put("serving reported in status", reports.servingAfter(exited, Duration.ofSeconds(30), fresh::stdout));
                    phases.replaceAll((what, at) -> at - sigterm);
                    print(phases);
                    long gap = first - sigterm;
                    assertTrue(gap < LIMIT.toNanos(), "reads stalled " + gap / 1_000_000 + " ms, more than "
                            + LIMIT + "\n" + fresh.stdout() + fresh.stderr());
                }
            }
        }
    }

    private static void print(Map<String, Long> phases) {
        StringBuilder s = new StringBuilder("EngineRestartIT: from SIGTERM to");
        phases.forEach((what, nanos) -> s.append(String.format("%n  %-36s %6d ms", what, nanos / 1_000_000)));
        System.out.println(s);
    }

    private static AoeExport export(Path image) {
        AoeExport export = Exports.ofFile(NAME, SHELF, SLOT, NODE, image.toString(), "8Mi");
        export.getSpec().setInterfaceName("aoe-a");
        return export;
    }

    /** One-sector READs back to back, each resent every {@link #RESEND} until answered; replies are timed. */
    private static final class Reader implements AutoCloseable {
        private final Initiator initiator;
        private final TargetInfo target;
        private final ConcurrentSkipListSet<Long> replies = new ConcurrentSkipListSet<>();
        private final Thread thread = new Thread(this::run, "reader");
        private volatile boolean running = true;
        private volatile Exception failure;

        private Reader(Initiator initiator, TargetInfo target) {
            this.initiator = initiator;
            this.target = target;
        }

        static Reader start(Initiator initiator, TargetInfo target) {
            Reader reader = new Reader(initiator, target);
            reader.thread.start();
            return reader;
        }

        private void run() {
            ByteBuffer frame = ByteBuffer.allocateDirect(1514);
            try {
                while (running) {
                    AoeHeader.writeRequest(frame, target.mac(), initiator.mac(), SHELF, SLOT, AoeHeader.CMD_ATA, 0);
                    AtaArg.writeRequest(frame, AtaArg.AFLAG_EXTENDED, 0, 1, Ata.READ_SECTORS_EXT, 0);
                    int n = initiator.exchange(frame, AoeHeader.pad(frame, AtaArg.DATA), RESEND);
                    if (n > 0 && !AoeHeader.isError(frame)) {
                        replies.add(System.nanoTime());
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        void awaitReplies(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (replies.size() < count) {
                check(deadline, "no " + count + " replies");
            }
        }

        long lastReplyBefore(long time) {
            Long last = replies.floor(time);
            return last == null ? -1 : last;
        }

        long firstReplyAfter(long time, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            Long first;
            while ((first = replies.ceiling(time)) == null) {
                check(deadline, "no reply within " + wait);
            }
            return first;
        }

        private void check(long deadline, String what) throws InterruptedException {
            if (failure != null) {
                throw new AssertionError("the reader failed", failure);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            Thread.sleep(2);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** Times the status reports that say the export is served. */
    private static final class ServingReports implements Watcher<AoeExport> {
        private final ConcurrentSkipListSet<Long> serving = new ConcurrentSkipListSet<>();

        @Override
        public void eventReceived(Action action, AoeExport export) {
            EngineReport report = export.getStatus() == null ? null : export.getStatus().getEngine();
            if (report != null && report.isServing()) {
                serving.add(System.nanoTime());
            }
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        long servingAfter(long time, Duration wait, Supplier<String> context) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            Long first;
            while ((first = serving.ceiling(time)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no serving report within " + wait + "\n" + context.get());
                }
                Thread.sleep(2);
            }
            return first;
        }
    }
}
