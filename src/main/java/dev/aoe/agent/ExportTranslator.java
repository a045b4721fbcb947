package dev.aoe.agent;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.ByteQuantity;
import dev.aoe.api.FileSource;
import dev.aoe.api.WriteCacheMode;
import dev.aoe.config.AoeConfig;
import dev.aoe.engine.ExportSpec;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.BlockStore;
import dev.aoe.store.SourceRule;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.WriteCache;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns an accepted AoeExport into what the engine serves. The operator has validated the spec;
 * what is still wrong (a size that is not a size, say) throws IllegalArgumentException with a
 * message that names the field. The source carries the path policy's rule for what the engine
 * may find once it has opened it ({@link SourceRule}): a file under the file roots, or a block
 * device.
 */
public final class ExportTranslator {
    private final String defaultInterface;
    private final List<Path> fileRoots;

    public ExportTranslator(AoeConfig config) {
        this.defaultInterface = config.defaultInterface();
        this.fileRoots = config.pathPolicy().fileRoots();
    }

    public ExportSpec translate(AoeExport export) {
        AoeExportSpec spec = export.getSpec();
        long[] allowlist = spec.getAllowedInitiators().stream().mapToLong(MacAddress::parse).toArray();
        byte[] configString = spec.getConfigString() == null ? new byte[0]
                : spec.getConfigString().getBytes(StandardCharsets.UTF_8);
        return new ExportSpec(spec.getShelf(), spec.getSlot(), spec.interfaces(defaultInterface), store(spec), spec.bufferCount(),
                allowlist, configString, export.getMetadata().getName());
    }

    private StoreSpec store(AoeExportSpec spec) {
        FileSource file = spec.getSource().getFile();
        StoreSpec store = StoreSpec.of(Path.of(spec.getSource().path()))
                .withRule(file != null ? SourceRule.fileUnder(fileRoots) : SourceRule.device())
                .withReadOnly(spec.readOnly())
                .withWriteCache(spec.writeCache() == WriteCacheMode.WriteBack ? WriteCache.WRITE_BACK : WriteCache.OFF);
        if (file != null && file.isCreate()) {
            if (file.getSize() == null) {
                throw new IllegalArgumentException("source.file.create needs source.file.size");
            }
            store = store.withCreateSize(ByteQuantity.bytes(file.getSize()));
        }
        if (spec.getOffset() != null) {
            store = store.withOffsetSectors(sectors("offset", spec.getOffset()));
        }
        if (spec.getLength() != null) {
            store = store.withLengthSectors(sectors("length", spec.getLength()));
        }
        return store;
    }

    private static long sectors(String field, long bytes) {
        if (bytes % BlockStore.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException(field + " " + bytes + " bytes is not a multiple of 512");
        }
        return bytes / BlockStore.SECTOR_SIZE;
    }
}
