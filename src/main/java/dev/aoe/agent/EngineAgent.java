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
import dev.aoe.engine.Reclaim;
import dev.aoe.net.RawSocket;
import dev.aoe.policy.PathPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine on one node, driven by Kubernetes: serves exactly the AoeExports bound to its node
 * (label {@code aoe.dev/node}) in the form the operator last accepted, and reports what it serves
 * in {@code status.engine}. Like the kubelet with pods: the operator decides, the agent carries out.
 *
 * <p>The engine is the one record of what is served: the agent keeps no copy, and finds what it
 * serves for an export by the export's name ({@link ExportSpec#name()}). All work runs on one
 * thread, one export at a time, in event order ({@link BoundExports}); each event reconciles the
 * export's latest cached state. A failure of one export is reported on it and leaves the others
 * alone. A failed reconcile is retried with backoff a few times ({@link WorkQueue}); the
 * informer's periodic resync retries what failed (a source that appears later, an interface
 * that comes up).
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

    private final KubernetesClient client;
    private final String node;
    private final Engine engine;
    private final ExportTranslator translator;
    private final PathPolicy policy;
    private final NetworkScope network;
    private final StatusReporter reporter;
    private final Finalizers finalizers;
    private final BoundExports exports;

    /** @param network where engine calls open their sockets */
    public EngineAgent(KubernetesClient client, String node, Engine engine, AoeConfig config, NetworkScope network) {
        this.client = client;
        this.node = node;
        this.engine = engine;
        this.translator = new ExportTranslator(config);
        this.policy = config.pathPolicy();
        this.network = network;
        this.reporter = new StatusReporter(client);
        this.finalizers = new Finalizers(client);
        this.exports = new BoundExports(client, node, RESYNC,
                new WorkQueue("aoe-engine-agent", this::reconcile, RETRIES, FIRST_RETRY));
    }

    /** Starts watching the exports bound to this node; returns once the first list is in. */
    public void start() {
        // The reconcile thread is idle while the informer lists: it loads the socket library meanwhile.
        exports.start(RawSocket::loadNativeLibrary);
    }

    /** Liveness: the informer still runs (it retries its watch by itself). */
    public boolean live() {
        return exports.live();
    }

    /** Readiness: every export bound here in an accepted form is served or has a reported reason. */
    public boolean ready() {
        return exports.synced() && exports.list().stream()
                .filter(e -> accepted(e) && !e.isMarkedForDeletion())
                .allMatch(e -> Objects.equals(reporter.reportedGeneration(e.getMetadata().getName()),
                        e.getMetadata().getGeneration()));
    }

    private void reconcile(String name) throws IOException {
        AoeExport export = exports.get(name);
        if (export == null) {
            unbound(name);
        } else if (export.isMarkedForDeletion()) {
            finish(export);
        } else if (accepted(export)) {
            serve(export);
        }
        // Otherwise a newer generation awaits the operator's verdict: keep serving the last accepted form.
    }

    private static boolean accepted(AoeExport export) {
        Long accepted = export.getStatus() == null ? null : export.getStatus().getAcceptedGeneration();
        return accepted != null && accepted.equals(export.getMetadata().getGeneration());
    }

    /** What the engine serves for the export called {@code name}, or null. */
    private ExportSpec servedAs(String name) {
        return engine.served().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** What the engine serves at e{@code shelf}.{@code slot}, or null. */
    private ExportSpec servedAt(int shelf, int slot) {
        return engine.served().stream().filter(s -> s.shelf() == shelf && s.slot() == slot).findFirst().orElse(null);
    }

    private void serve(AoeExport export) throws IOException {
        long generation = export.getMetadata().getGeneration();
        ExportSpec served = servedAs(export.getMetadata().getName());
        ExportSpec desired;
        try {
            desired = translator.translate(export);
        } catch (IllegalArgumentException e) {
            ExportStatus last = stop(served);
            reporter.report(export, EngineReports.notServing(Failure.of(e), generation, createdSource(export, last)));
            return;
        }
        if (desired.differsOnlyInSize(served)) {
            // The same form, or a grown file.size: applied live. Every reconcile and resync measures
            // the source again, so one that grew under the export is served whole, and the report
            // is fresh from the engine (a deleted source shows). A failed grow keeps the old size
            // and is retried; its report stays at the generation before, so Serving says the new
            // one is still being applied.
            ExportStatus now = engine.grow(desired.shelf(), desired.slot(), desired.store().createSize());
            reporter.report(export, EngineReports.serving(now, generation, createdSource(export, now)));
            return;
        }
        Optional<String> refused = policy.checkOnNode(desired.store().path(), isDevice(export));
        if (refused.isPresent()) {
            ExportStatus last = stop(served);
            reporter.report(export, EngineReports.notServing(Failure.pathNotAllowed(refused.get()), generation,
                    createdSource(export, last)));
            return;
        }
        finalizers.add(export);
        // A changed form is applied by serving it anew: the state directory keeps the export's
        // config string, mask and reservations across the gap, and other exports are untouched.
        ExportStatus last = stop(served);
        ExportStatus now;
        try {
            now = network.call(() -> engine.add(desired));
        } catch (Exception e) {
            reporter.report(export, EngineReports.notServing(Failure.of(e), generation, createdSource(export, last)));
            return;
        }
        // Outside the engine's failure path: a refused report is retried (next change or resync),
        // never turned into a report that the export is not served.
        reporter.report(export, EngineReports.serving(now, generation,
                createdSource(export, last) || now.createdSource()));
    }

    /**
     * Whether the engine created the export's file: as reported before (a restarted engine knows
     * it only from that), or as the engine says of the export it serves or just stopped.
     */
    private boolean createdSource(AoeExport export, ExportStatus status) {
        return reporter.createdSource(export) || status != null && status.createdSource();
    }

    private static boolean isDevice(AoeExport export) {
        return export.getSpec().getSource().getDevice() != null;
    }

    /** Stops serving {@code served}, if anything; returns its last status, or null. */
    private ExportStatus stop(ExportSpec served) throws IOException {
        return served == null ? null : engine.remove(served.shelf(), served.slot());
    }

    /**
     * The export is deleted: stop serving it and, while this engine's finalizer holds the
     * deletion, reclaim its persisted state and (reclaimPolicy Delete) the file the engine
     * created, then let the deletion proceed.
     */
    private void finish(AoeExport export) throws IOException {
        String name = export.getMetadata().getName();
        AoeExportSpec spec = export.getSpec();
        boolean finalizer = export.hasFinalizer(AoeExport.ENGINE_FINALIZER);
        ExportSpec served = servedAs(name);
        ExportSpec there = finalizer ? servedAt(spec.getShelf(), spec.getSlot()) : null;
        if (served != null && !served.equals(there)) {
            stop(served);
        }
        if (finalizer) {
            // Served there, it is stopped and reclaimed in one call: the engine knows whether it created
            // the file. Another export served there (this one's move to it never accepted) is not this one's.
            if (there == null || there.equals(served)) {
                engine.remove(spec.getShelf(), spec.getSlot(), reclaim(export));
            }
            finalizers.remove(export);
        }
        reporter.forget(name);
    }

    /** What deleting the export reclaims: its state, and with reclaimPolicy Delete the file it created. */
    private Reclaim reclaim(AoeExport export) throws IOException {
        AoeExportSpec spec = export.getSpec();
        FileSource file = spec.getSource().getFile();
        boolean created = reporter.createdSource(export);
        if (file == null || spec.reclaimPolicy() != ReclaimPolicy.Delete) {
            return Reclaim.STATE;
        }
        Path path = Path.of(file.getPath());
        // Checked again: the file is deleted only where exports may live, whatever a link now says.
        Optional<String> refused = policy.checkOnNode(path, false);
        if (refused.isPresent()) {
            if (created) {
                LOG.warning(() -> "not deleting " + path + ": " + refused.get());
            }
            return Reclaim.STATE;
        }
        return Reclaim.stateAndCreatedFile(path, created);
    }

    /**
     * The export is no longer bound here (deleted, or the operator unbound it): stop serving it
     * and release the finalizer, which only this engine would remove.
     */
    private void unbound(String name) throws IOException {
        stop(servedAs(name));
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
    public void close() {
        exports.close(this::stopAll, STOP_TIMEOUT);
    }

    /**
     * Stops serving every export, then reports them stopped, all at once and for at most
     * {@link #STOP_REPORTS}: a new engine starts only once this one has exited, so every second
     * spent here is a second initiators wait. A report not written in time is corrected by the next
     * engine's own report.
     */
    private void stopAll() {
        Map<AoeExport, EngineReport> stopped = new HashMap<>();
        for (ExportSpec served : engine.served()) {
            try {
                ExportStatus last = stop(served);
                AoeExport export = exports.get(served.name());
                if (export != null) {
                    stopped.put(export, EngineReports.stopped(export.getMetadata().getGeneration(),
                            createdSource(export, last)));
                }
            } catch (RuntimeException | IOException e) {
                LOG.log(Level.WARNING, served.name() + ": while stopping: " + e.getMessage(), e);
            }
        }
        reporter.reportAll(stopped, STOP_REPORT_WRITERS, STOP_REPORTS);
    }
}
