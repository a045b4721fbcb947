package dev.aoe.testing;

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
public final class Exports {
    public static final String NAMESPACE = "aoe-system";

    private Exports() {
    }

    public static AoeConfig config(Map<String, String> overrides) {
        return new SmallRyeConfigBuilder().withMapping(AoeConfig.class)
                .withDefaultValue("aoe.engine.namespace", NAMESPACE)
                .withDefaultValues(overrides).build().getConfigMapping(AoeConfig.class);
    }

    public static AoeConfig config() {
        return config(Map.of());
    }

    /** A file export as the operator sees it (generation 1): the file is created at 1 MiB if missing. */
    public static AoeExport file(String name, int shelf, int slot, String node, String path) {
        AoeExport export = ofFile(name, shelf, slot, node, path, "1Mi");
        export.getMetadata().setGeneration(1L);
        return export;
    }

    /**
     * A file export as a user applies it (no generation yet): the file is created at
     * {@code createSize} if missing, or must exist when {@code createSize} is null.
     */
    public static AoeExport ofFile(String name, int shelf, int slot, String node, String path, String createSize) {
        FileSource file = new FileSource();
        file.setPath(path);
        file.setSize(createSize);
        file.setCreate(createSize != null);
        Source source = new Source();
        source.setFile(file);
        AoeExportSpec spec = new AoeExportSpec();
        spec.setShelf(shelf);
        spec.setSlot(slot);
        spec.setNodeName(node);
        spec.setSource(source);
        AoeExport export = new AoeExport();
        export.setMetadata(new ObjectMetaBuilder().withName(name).build());
        export.setSpec(spec);
        return export;
    }

    /** An export that names no address: the operator assigns one from its pool. */
    public static AoeExport unaddressed(String name, String node, String path) {
        AoeExport export = file(name, 0, 0, node, path);
        export.getSpec().setShelf(null);
        export.getSpec().setSlot(null);
        return export;
    }

    public static AoeExport created(AoeExport export, Instant at) {
        export.getMetadata().setCreationTimestamp(at.toString());
        return export;
    }
}
