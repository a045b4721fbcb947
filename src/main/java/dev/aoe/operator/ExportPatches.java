package dev.aoe.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.List;

/**
 * The operator's writes to an export, each a patch of the fields it owns. The status patch is a
 * JSON Patch with one operation per operator field and none on {@code status.engine}, which the
 * engine writes (by merge patch): neither writer can erase the other's fields, whatever their
 * caches hold. (A JSON Patch rather than a merge patch because the fabric8 mock server appends to
 * lists on a merge patch; the API server replaces them, as RFC 7386 says.) Each patch is sent on
 * the cached export: by name alone, the client would first GET it from the API server.
 */
public final class ExportPatches {
    /** Every status field the operator writes; {@code engine} is the engine's. */
    static final List<String> OPERATOR_FIELDS = List.of("conditions", "phase", "target", "node", "interface", "size",
            "message", "acceptedGeneration", "acceptedFileSize", "observedGeneration");
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

    /**
     * Writes the operator's fields. The whole status object is added only when the export has none
     * yet, which is before it is bound to a node: no engine can have reported on it.
     */
    static void patchStatus(KubernetesClient client, AoeExport export, AoeExportStatus status) {
        ObjectNode before = operatorFields(export.getStatus());
        ArrayNode ops = JSON.createArrayNode();
        if (export.getStatus() == null) {
            ops.addObject().put("op", "add").put("path", "/status").putObject("value");
        }
        operatorFields(status).fields().forEachRemaining(field -> {
            String path = "/status/" + field.getKey();
            if (!field.getValue().isNull()) {
                ops.addObject().put("op", "add").put("path", path).set("value", field.getValue());
            } else if (!before.get(field.getKey()).isNull()) {
                ops.addObject().put("op", "remove").put("path", path);
            }
        });
        client.resource(export).subresource("status").patch(PatchContext.of(PatchType.JSON), ops.toString());
    }

    /**
     * Writes the address assigned from the pool into the spec, as the API server does a Service's
     * clusterIP: everything downstream reads it from there. Returns the export as patched.
     */
    static AoeExport assignAddress(KubernetesClient client, AoeExport export, Address address) {
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("spec").put("shelf", address.shelf()).put("slot", address.slot());
        return client.resource(export).patch(MERGE, patch.toString());
    }

    /** Binds the export to its node: the engine there watches exports with this label. */
    static void bindToNode(KubernetesClient client, AoeExport export, String node) {
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").putObject("labels").put(AoeExport.NODE_LABEL, node);
        client.resource(export).patch(MERGE, patch.toString());
    }

    /** Removes the engine's finalizer, for an export whose node (and so whose engine) is gone. */
    static void releaseEngineFinalizer(KubernetesClient client, AoeExport export) {
        client.resources(AoeExport.class).withName(export.getMetadata().getName()).edit(e -> {
            e.getMetadata().getFinalizers().remove(AoeExport.ENGINE_FINALIZER);
            return e;
        });
    }
}
