package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operator's own writes that admit an export, for tests outside the operator package (the
 * engine agent's): the status patch that accepts its generation and the label patch that binds it
 * to its node, each sent exactly as {@link AoeExportReconciler} sends it, in either order.
 */
public final class OperatorWrites {
    private static final StatusAggregator AGGREGATOR = new StatusAggregator("eth0", "aoe-system");

    private OperatorWrites() {
    }

    /** Writes the status of an export found valid, on an existing node with a Ready engine pod. */
    public static void accept(KubernetesClient client, AoeExport export) {
        Findings valid = new Findings(List.of(), Optional.empty(), Optional.empty(), true, EnginePodState.READY);
        ExportPatches.patchStatus(client, export, AGGREGATOR.aggregate(export, valid, Instant.now()));
    }

    /** Labels the export for its node, which is what the engine there watches. */
    public static void bind(KubernetesClient client, AoeExport export) {
        ExportPatches.bindToNode(client, export, export.getSpec().getNodeName());
    }
}
