package dev.aoe.agent;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.EngineReport;
import dev.aoe.api.FileSource;
import dev.aoe.api.ReclaimPolicy;
import dev.aoe.config.AoeConfig;
import dev.aoe.engine.Engine;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.net.RawSocket;
import dev.aoe.policy.PathPolicy;
import dev.aoe.responder.StateFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine on one node, driven by Kubernetes: serves exactly the AoeExports bound to its node
 * (label {@code aoe.dev/node}) in the form the operator last accepted, and reports what it serves
 * in {@code status.engine}. Like the kubelet with pods: the operator decides, the agent carries out.
 *
 * <p>All work runs on one thread, one export at a time, in event order; each event reconciles the
 * export's latest cached state, so events never pile up into stale actions. A failure of one
 * export is reported on it and leaves the others alone. A failed reconcile is retried with backoff
 * a few times; the informer's periodic resync retries
 * what failed (a source that appears later, an interface that comes up).
 *
 * <p>Before serving, the agent checks the source on the node with {@link PathPolicy#checkOnNode},
 * which gives the readable reason: a file's real path under a file root, a device's name under a
 * device root resolving to a block device that is not in use by the mount table. That table
 * ({@code /proc/self/mountinfo}, {@code /proc/1/mountinfo}) shows the host's mounts only with
 * {@code hostPID: true} or a host {@code /proc}; without them the guarantee is the engine's own:
 * it checks the descriptor it opened and opens a block device with {@code O_EXCL}, which the
 * kernel refuses for a device mounted in any namespace (see {@code dev.aoe.store.SourceRule}).
 */
public final class EngineAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EngineAgent.class.getName());
    /** How often every bound export is reconciled again, to retry what failed. */
    static final Duration RESYNC = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long a stopping engine spends reporting its exports stopped, and with how many writers. */
    static final Duration STOP_REPORTS = Duration.ofSeconds(2);
    private static final int STOP_REPORT_WRITERS = 8;
    /** A failed reconcile (the API server refusing a write, say) is retried this often, doubling the wait. */
    static final int RETRIES = 5;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    /** What is served for one export: the form applied, and whether the engine created its file. */
    private static final class Served {
        ExportSpec spec;
        ExportStatus status;
        boolean createdSource;
    }

    private final KubernetesClient client;
    private final String node;
    private final Engine engine;
    private final Path stateDirectory;
    private final ExportTranslator translator;
    private final PathPolicy policy;
    private final NetworkScope network;
    private final StatusReporter reporter;
    private final Finalizers finalizers;
    /** Confined to the reconcile thread. */
    private final Map<String, Served> exports = new HashMap<>();
    /** Consecutive failed reconciles per export; confined to the reconcile thread. */
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService worker;
    private volatile SharedIndexInformer<AoeExport> informer;

    /**
     * @param stateDirectory the engine's state directory (the state file of a deleted export is
     *                       removed from it), or null when the engine keeps no state
     * @param network        where engine calls open their sockets
     */
    public EngineAgent(KubernetesClient client, String node, Engine engine, Path stateDirectory, AoeConfig config,
                       NetworkScope network) {
        this.client = client;
        this.node = node;
        this.engine = engine;
        this.stateDirectory = stateDirectory;
        this.translator = new ExportTranslator(config);
        this.policy = config.pathPolicy();
        this.network = network;
        this.reporter = new StatusReporter(client);
        this.finalizers = new Finalizers(client);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "aoe-engine-agent"));
    }

    /**
     * Starts watching the exports bound to this node; returns once the first list is in. The
     * informer is known before it runs: its first events (the exports already bound here, and any
     * bound while the watch opens) are reconciled at once, and each reconcile reads its cache.
     */
    public void start() {
        SharedIndexInformer<AoeExport> created = client.resources(AoeExport.class).withLabel(AoeExport.NODE_LABEL, node)
                .runnableInformer(RESYNC.toMillis());
        created.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(AoeExport export) {
                enqueue(export);
            }

            @Override
            public void onUpdate(AoeExport old, AoeExport export) {
                enqueue(export);
            }

            @Override
            public void onDelete(AoeExport export, boolean finalStateUnknown) {
                enqueue(export);
            }
        });
        informer = created;
        // The reconcile thread is idle while the informer lists: it loads the socket library meanwhile.
        worker.execute(RawSocket::loadNativeLibrary);
        long listing = System.nanoTime();
        created.run();
        long listed = (System.nanoTime() - listing) / 1_000_000;
        LOG.info(() -> "engine agent on node " + node + " watching exports labelled " + AoeExport.NODE_LABEL + "="
                + node + " (" + created.getStore().list().size() + " listed in " + listed + " ms, process up "
                + ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
    }

    /** Liveness: the informer still runs (it retries its watch by itself). */
    public boolean live() {
        SharedIndexInformer<AoeExport> i = informer;
        return i != null && i.isRunning();
    }

    /** Readiness: every export bound here in an accepted form is served or has a reported reason. */
    public boolean ready() {
        SharedIndexInformer<AoeExport> i = informer;
        if (i == null || !i.hasSynced()) {
            return false;
        }
        return i.getStore().list().stream()
                .filter(e -> accepted(e) && !e.isMarkedForDeletion())
                .allMatch(e -> Objects.equals(reporter.reportedGeneration(e.getMetadata().getName()),
                        e.getMetadata().getGeneration()));
    }

    private void enqueue(AoeExport export) {
        String name = export.getMetadata().getName();
        worker.execute(() -> reconcile(name));
    }

    /** Never throws: a task that did would be dropped by the executor without a word or a retry. */
    private void reconcile(String name) {
        try {
            AoeExport export = informer.getStore().getByKey(name);
            if (export == null) {
                unbound(name);
            } else if (export.isMarkedForDeletion()) {
                finish(export);
            } else if (accepted(export)) {
                serve(export);
            }
            // Otherwise a newer generation awaits the operator's verdict: keep serving the last accepted form.
            failures.remove(name);
        } catch (RuntimeException | IOException e) {
            retry(name, e);
        }
    }

    /** Retries a failed reconcile with backoff, a bounded number of times; then the next change or resync does. */
    private void retry(String name, Exception e) {
        int failed = failures.merge(name, 1, Integer::sum);
        if (failed > RETRIES) {
            failures.remove(name);
            LOG.log(Level.WARNING, name + ": " + e.getMessage() + " (retried on the next change or resync)", e);
            return;
        }
        long delay = FIRST_RETRY.toMillis() << (failed - 1);
        LOG.log(Level.WARNING, name + ": " + e.getMessage() + " (retried in " + delay + " ms)", e);
        try {
            worker.schedule(() -> reconcile(name), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Closing: nothing more to retry.
        }
    }

    private static boolean accepted(AoeExport export) {
        Long accepted = export.getStatus() == null ? null : export.getStatus().getAcceptedGeneration();
        return accepted != null && accepted.equals(export.getMetadata().getGeneration());
    }

    private void serve(AoeExport export) throws IOException {
        String name = export.getMetadata().getName();
        long generation = export.getMetadata().getGeneration();
        Served served = exports.computeIfAbsent(name, n -> remembered(export));
        ExportSpec desired;
        try {
            desired = translator.translate(export);
        } catch (IllegalArgumentException e) {
            stopServing(served);
            reporter.report(export, EngineReports.notServing(Failure.of(e), generation, served.createdSource));
            return;
        }
        if (desired.differsOnlyInSize(served.spec)) {
            // The same form, or a grown file.size: applied live. Every reconcile and resync measures
            // the source again, so one that grew under the export is served whole, and the report
            // is fresh from the engine (a deleted source shows). A failed grow keeps the old size
            // and is retried; its report stays at the generation before, so Serving says the new
            // one is still being applied.
            ExportStatus now = engine.grow(desired.shelf(), desired.slot(), desired.store().createSize());
            if (now != null) {
                served.status = now;
                served.spec = desired;
            }
            reporter.report(export, EngineReports.serving(served.status, generation, served.createdSource));
            return;
        }
        Optional<String> refused = policy.checkOnNode(desired.store().path(), isDevice(export));
        if (refused.isPresent()) {
            stopServing(served);
            reporter.report(export, EngineReports.notServing(Failure.pathNotAllowed(refused.get()), generation,
                    served.createdSource));
            return;
        }
        finalizers.add(export);
        // A changed form is applied by serving it anew: the state directory keeps the export's
        // config string, mask and reservations across the gap, and other exports are untouched.
        stopServing(served);
        try {
            served.status = network.call(() -> engine.add(desired));
        } catch (Exception e) {
            reporter.report(export, EngineReports.notServing(Failure.of(e), generation, served.createdSource));
            return;
        }
        served.spec = desired;
        served.createdSource |= served.status.createdSource();
        // Outside the engine's failure path: a refused report is retried (next change or resync),
        // never turned into a report that the export is not served.
        reporter.report(export, EngineReports.serving(served.status, generation, served.createdSource));
    }

    /** State for an export first seen: a restarted engine knows what it created only from its report. */
    private static Served remembered(AoeExport export) {
        Served served = new Served();
        EngineReport last = export.getStatus() == null ? null : export.getStatus().getEngine();
        served.createdSource = last != null && Boolean.TRUE.equals(last.getCreatedSource());
        return served;
    }

    private static boolean isDevice(AoeExport export) {
        return export.getSpec().getSource().getDevice() != null;
    }

    private void stopServing(Served served) throws IOException {
        if (served.spec != null) {
            engine.remove(served.spec.shelf(), served.spec.slot());
            served.spec = null;
            served.status = null;
        }
    }

    /**
     * The export is deleted: stop serving, delete the file if the engine created it and the policy
     * says Delete, drop the persisted target state, then let the deletion proceed.
     */
    private void finish(AoeExport export) throws IOException {
        String name = export.getMetadata().getName();
        Served served = exports.computeIfAbsent(name, n -> remembered(export));
        stopServing(served);
        if (export.hasFinalizer(AoeExport.ENGINE_FINALIZER)) {
            AoeExportSpec spec = export.getSpec();
            FileSource file = spec.getSource().getFile();
            if (file != null && served.createdSource && spec.reclaimPolicy() == ReclaimPolicy.Delete) {
                deleteCreatedFile(Path.of(file.getPath()));
            }
            if (stateDirectory != null) {
                StateFile.of(stateDirectory, spec.getShelf(), spec.getSlot()).delete();
            }
            finalizers.remove(export);
        }
        exports.remove(name);
        reporter.forget(name);
    }

    private void deleteCreatedFile(Path file) throws IOException {
        // Checked again: the file is deleted only where exports may live, whatever a link now says.
        Optional<String> refused = policy.checkOnNode(file, false);
        if (refused.isPresent()) {
            LOG.warning(() -> "not deleting " + file + ": " + refused.get());
        } else if (Files.deleteIfExists(file)) {
            LOG.info(() -> "deleted " + file + ", created for the export (reclaimPolicy Delete)");
        }
    }

    /**
     * The export is no longer bound here (deleted, or the operator unbound it): stop serving it
     * and release the finalizer, which only this engine would remove.
     */
    private void unbound(String name) throws IOException {
        Served served = exports.remove(name);
        if (served != null) {
            stopServing(served);
        }
        reporter.forget(name);
        AoeExport current = client.resources(AoeExport.class).withName(name).get();
        Map<String, String> labels = current == null ? null : current.getMetadata().getLabels();
        if (current != null && (labels == null || !node.equals(labels.get(AoeExport.NODE_LABEL)))) {
            finalizers.remove(current);
        }
    }

    /**
     * Stops watching and serving. The finalizers stay (a restarted engine resumes serving); the
     * reports say the engine stopped, so status never claims a service that is gone.
     */
    @Override
    public void close() throws IOException {
        if (informer != null) {
            informer.close();
        }
        try {
            worker.submit(this::stopAll).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "stopping the exports: " + e.getMessage(), e);
        } finally {
            worker.shutdownNow();
        }
    }

    /**
     * Stops serving every export, then reports them stopped, all at once and for at most
     * {@link #STOP_REPORTS}: a new engine starts only once this one has exited, so every second
     * spent here is a second initiators wait. A report not written in time is corrected by the next
     * engine's own report.
     */
    private void stopAll() {
        Map<AoeExport, EngineReport> stopped = new HashMap<>();
        for (Map.Entry<String, Served> entry : exports.entrySet()) {
            Served served = entry.getValue();
            if (served.spec == null) {
                continue;
            }
            try {
                stopServing(served);
                AoeExport export = informer.getStore().getByKey(entry.getKey());
                if (export != null) {
                    stopped.put(export, EngineReports.stopped(export.getMetadata().getGeneration(),
                            served.createdSource));
                }
            } catch (RuntimeException | IOException e) {
                LOG.log(Level.WARNING, entry.getKey() + ": while stopping: " + e.getMessage(), e);
            }
        }
        exports.clear();
        reportAll(stopped);
    }

    private void reportAll(Map<AoeExport, EngineReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        ExecutorService writers = Executors.newFixedThreadPool(Math.min(reports.size(), STOP_REPORT_WRITERS));
        try {
            List<Callable<Void>> writes = reports.entrySet().stream().map(r -> (Callable<Void>) () -> {
                reporter.report(r.getKey(), r.getValue());
                return null;
            }).toList();
            for (Future<Void> write : writers.invokeAll(writes, STOP_REPORTS.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    write.get();
                } catch (CancellationException e) {
                    LOG.warning("stopping: a status report took longer than " + STOP_REPORTS.toMillis() + " ms; left");
                } catch (ExecutionException e) {
                    LOG.log(Level.WARNING, "stopping: a status report failed: " + e.getCause().getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writers.shutdownNow();
        }
    }
}
