package dev.aoe.bench.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * The exports of the benchmark: number {@code i} gets its own shelf.slot and its own file under
 * the default allowed root, on node {@code i mod nodes}, so that every one of them is accepted.
 */
final class BenchExports {
    static final String FILE_ROOT = "/var/lib/aoe";
    private static final int FIRST_SHELF = 100;
    private static final int SLOTS_PER_SHELF = 200;

    private BenchExports() {
    }

    static String name(int i) {
        return "bench-" + i;
    }

    static String node(int i, int nodes) {
        return "bench-node-" + (i % nodes);
    }

    static AoeExport export(int i, int nodes) {
        FileSource file = new FileSource();
        file.setPath(FILE_ROOT + "/bench-" + i + ".img");
        file.setSize("1Mi");
        file.setCreate(true);
        Source source = new Source();
        source.setFile(file);
        AoeExportSpec spec = new AoeExportSpec();
        spec.setShelf(FIRST_SHELF + i / SLOTS_PER_SHELF);
        spec.setSlot(i % SLOTS_PER_SHELF);
        spec.setNodeName(node(i, nodes));
        spec.setSource(source);
        AoeExport export = new AoeExport();
        export.setMetadata(new ObjectMetaBuilder().withName(name(i)).build());
        export.setSpec(spec);
        return export;
    }
}
