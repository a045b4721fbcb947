package dev.aoe.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.List;

/**
 * The operator's writes to an export, each a JSON merge patch of the fields it owns. The status
 * patch names every operator field (null clears one) and never {@code status.engine}, which the
 * engine writes: neither writer can erase the other's fields, whatever their caches hold.
 */
public final class ExportPatches {
    /** Every status field the operator writes; {@code engine} is the engine's. */
    static final List<String> OPERATOR_FIELDS = List.of("conditions", "phase", "target", "node", "interface", "size",
            "message", "acceptedGeneration", "observedGeneration");
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportPatches() {
    }

    /** The operator's fields of a status, as they would be patched. */
    static ObjectNode operatorFields(AoeExportStatus status) {
        ObjectNode all = status == null ? JSON.createObjectNode() : JSON.valueToTree(status);
        ObjectNode mine = JSON.createObjectNode();
        for (String field : OPERATOR_FIELDS) {
            mine.set(field, all.has(field) ? all.get(field) : JSON.nullNode());
        }
        return mine;
    }

    static void patchStatus(KubernetesClient client, AoeExport export, AoeExportStatus status) {
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", operatorFields(status));
        client.resources(AoeExport.class).withName(export.getMetadata().getName()).subresource("status")
                .patch(MERGE, patch.toString());
    }

    /** Binds the export to its node: the engine there watches exports with this label. */
    static void bindToNode(KubernetesClient client, AoeExport export, String node) {
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").putObject("labels").put(AoeExport.NODE_LABEL, node);
        client.resources(AoeExport.class).withName(export.getMetadata().getName()).patch(MERGE, patch.toString());
    }

    /** Removes the engine's finalizer, for an export whose node (and so whose engine) is gone. */
    static void releaseEngineFinalizer(KubernetesClient client, AoeExport export) {
        client.resources(AoeExport.class).withName(export.getMetadata().getName()).edit(e -> {
            e.getMetadata().getFinalizers().remove(AoeExport.ENGINE_FINALIZER);
            return e;
        });
    }
}
