package dev.aoe.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A node-local file or block device served as an AoE target. Cluster-scoped: an AoE address is
 * unique on the whole LAN and an export touches a node's hardware, like a PersistentVolume.
 */
@Group(AoeExport.GROUP)
@Version(AoeExport.VERSION)
@Kind("AoeExport")
@Plural("aoeexports")
@Singular("aoeexport")
@ShortNames("aoe")
@AdditionalPrinterColumn(name = "Target", jsonPath = ".status.target", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Interface", jsonPath = ".status.interface", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.size", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AoeExport extends CustomResource<AoeExportSpec, AoeExportStatus> {
    public static final String GROUP = "aoe.dev";
    public static final String VERSION = "v1alpha1";
    /** The label that binds an accepted export to the node whose engine serves it. */
    public static final String NODE_LABEL = GROUP + "/node";
    /** Held by the engine that serves an export until it has stopped serving it. */
    public static final String ENGINE_FINALIZER = GROUP + "/engine";
    /** Held by the operator so that it sees deletions: it releases the engine's when the node is gone. */
    public static final String OPERATOR_FINALIZER = GROUP + "/operator";

    /** {@code e<shelf>.<slot>}, the name initiators know the export by. */
    public String targetName() {
        return targetName(getSpec().getShelf(), getSpec().getSlot());
    }

    /** {@code e<shelf>.<slot>} for any address, as the engine names its targets. */
    public static String targetName(Integer shelf, Integer slot) {
        return "e" + shelf + "." + slot;
    }
}
