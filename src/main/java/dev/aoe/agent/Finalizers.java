package dev.aoe.agent;

import dev.aoe.api.AoeExport;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The engine's finalizer on the exports it serves: the export cannot vanish before the engine
 * has stopped serving it and, with reclaimPolicy Delete, deleted the file it created. Other
 * finalizers are kept as they are.
 */
final class Finalizers {
    private final KubernetesClient client;

    Finalizers(KubernetesClient client) {
        this.client = client;
    }

    void add(AoeExport export) {
        if (!export.hasFinalizer(AoeExport.ENGINE_FINALIZER)) {
            client.resources(AoeExport.class).withName(export.getMetadata().getName()).edit(latest -> {
                latest.addFinalizer(AoeExport.ENGINE_FINALIZER);
                return latest;
            });
        }
    }

    void remove(AoeExport export) {
        if (export.hasFinalizer(AoeExport.ENGINE_FINALIZER)) {
            client.resources(AoeExport.class).withName(export.getMetadata().getName()).edit(latest -> {
                latest.removeFinalizer(AoeExport.ENGINE_FINALIZER);
                return latest;
            });
        }
    }
}
