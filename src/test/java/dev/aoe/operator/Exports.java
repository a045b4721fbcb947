package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;
import dev.aoe.config.AoeConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Instant;
import java.util.Map;

/** Test data: exports as a user would write them, and the operator configuration. */
final class Exports {
    static final String NAMESPACE = "aoe-system";

    private Exports() {
    }

    static AoeConfig config(Map<String, String> overrides) {
        return new SmallRyeConfigBuilder().withMapping(AoeConfig.class)
                .withDefaultValue("aoe.engine.namespace", NAMESPACE)
                .withDefaultValues(overrides).build().getConfigMapping(AoeConfig.class);
    }

    static AoeConfig config() {
        return config(Map.of());
    }

    static AoeExport file(String name, int shelf, int slot, String node, String path) {
        FileSource file = new FileSource();
        file.setPath(path);
        file.setSize("1Mi");
        file.setCreate(true);
        Source source = new Source();
        source.setFile(file);
        AoeExportSpec spec = new AoeExportSpec();
        spec.setShelf(shelf);
        spec.setSlot(slot);
        spec.setNodeName(node);
        spec.setSource(source);
        AoeExport export = new AoeExport();
        export.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
        export.setSpec(spec);
        return export;
    }

    /** An export that names no address: the operator assigns one from its pool. */
    static AoeExport unaddressed(String name, String node, String path) {
        AoeExport export = file(name, 0, 0, node, path);
        export.getSpec().setShelf(null);
        export.getSpec().setSlot(null);
        return export;
    }

    static AoeExport created(AoeExport export, Instant at) {
        export.getMetadata().setCreationTimestamp(at.toString());
        return export;
    }
}
