package dev.aoe.agent;

import dev.aoe.api.AoeExport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * The AoeExports bound to one node (label {@code aoe.dev/node}), watched by an informer whose
 * every event, periodic resyncs included, queues the export's name on a {@link WorkQueue}. The
 * work reads the export's latest cached state, so events never pile up into stale actions.
 */
final class BoundExports {
    private static final Logger LOG = Logger.getLogger(BoundExports.class.getName());

    private final KubernetesClient client;
    private final String node;
    private final Duration resync;
    private final WorkQueue queue;
    private volatile SharedIndexInformer<AoeExport> informer;

    BoundExports(KubernetesClient client, String node, Duration resync, WorkQueue queue) {
        this.client = client;
        this.node = node;
        this.resync = resync;
        this.queue = queue;
    }

    /**
     * Starts watching; returns once the first list is in. The informer is known before it runs:
     * its first events (the exports already bound here, and any bound while the watch opens) are
     * worked on at once, and that work reads its cache. {@code whileListing} runs on the queue's
     * thread meanwhile.
     */
    void start(Runnable whileListing) {
        SharedIndexInformer<AoeExport> created = client.resources(AoeExport.class)
                .withLabel(AoeExport.NODE_LABEL, node).runnableInformer(resync.toMillis());
        created.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(AoeExport export) {
                queue.add(export.getMetadata().getName());
            }

            @Override
            public void onUpdate(AoeExport old, AoeExport export) {
                queue.add(export.getMetadata().getName());
            }

            @Override
            public void onDelete(AoeExport export, boolean finalStateUnknown) {
                queue.add(export.getMetadata().getName());
            }
        });
        informer = created;
        queue.execute(whileListing);
        long listing = System.nanoTime();
        created.run();
        long listed = (System.nanoTime() - listing) / 1_000_000;
        LOG.info(() -> "engine agent on node " + node + " watching exports labelled " + AoeExport.NODE_LABEL + "="
                + node + " (" + created.getStore().list().size() + " listed in " + listed + " ms, process up "
                + ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
    }

    /** The export as last seen, or null when it is gone or no longer bound here. */
    AoeExport get(String name) {
        return informer.getStore().getByKey(name);
    }

    List<AoeExport> list() {
        return informer.getStore().list();
    }

    /** The informer still runs (it retries its watch by itself). */
    boolean live() {
        SharedIndexInformer<AoeExport> i = informer;
        return i != null && i.isRunning();
    }

    /** The first list is in. */
    boolean synced() {
        SharedIndexInformer<AoeExport> i = informer;
        return i != null && i.hasSynced();
    }

    /** Stops watching, then runs {@code last} on the queue (waiting at most {@code timeout}) and stops it. */
    void close(Runnable last, Duration timeout) {
        if (informer != null) {
            informer.close();
        }
        queue.close(last, timeout);
    }
}
