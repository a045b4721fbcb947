package dev.aoe.cli;

import dev.aoe.engine.ExportSpec;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.Sizes;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.WriteCache;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * One export as vblade's command line describes it, plus our options. Used for the command
 * line of {@code serve} and for each line of an exports file.
 */
final class ExportOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELF", description = "AoE shelf (major) address, 0-65534.")
    Integer shelf;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SLOT", description = "AoE slot (minor) address, 0-254.")
    Integer slot;

    @Parameters(index = "2", arity = "0..1", paramLabel = "IFACE",
            description = "Network interface to serve on, e.g. eth0; several, comma separated (eth0,eth1), serve the disk on each (multipath).")
    String interfaceName;

    @Parameters(index = "3", arity = "0..1", paramLabel = "PATH", description = "Regular file or block device to export.")
    Path path;

    @Option(names = "-b", paramLabel = "N", description = "Buffer count advertised to initiators (default: ${DEFAULT-VALUE}, min 2).")
    int bufferCount = ExportSpec.DEFAULT_BUFFER_COUNT;

    @Option(names = "-d", description = "Use O_DIRECT for the source where alignment allows.")
    boolean direct;

    @Option(names = "-s", description = "Acknowledge writes only once durable. This is already the default; kept for vblade compatibility.")
    boolean sync;

    @Option(names = "--write-back", description = "Acknowledge writes from the page cache (vblade's default): faster, but a crash of this host loses acknowledged writes.")
    boolean writeBack;

    @Option(names = "-r", description = "Export read-only: writes fail with ATA ABRT.")
    boolean readOnly;

    @Option(names = "-m", paramLabel = "MAC[,MAC...]", description = "Only these initiators may use the export (colons optional).")
    String allowlist = "";

    @Option(names = "-o", paramLabel = "SECTORS", description = "Skip this many 512-byte sectors at the start of the source.")
    long offsetSectors;

    @Option(names = "-l", paramLabel = "SECTORS", description = "Export this many sectors (default: the rest of the source).")
    Long lengthSectors;

    @Option(names = {"-c", "--create"}, paramLabel = "SIZE", description = "Create the file sparse at SIZE (e.g. 10G) when missing; grow a smaller one. Never shrinks.")
    String createSize;

    @Option(names = "--config-string", paramLabel = "TEXT", description = "Initial AoE config string (a persisted one wins).")
    String configString = "";

    boolean hasTarget() {
        return shelf != null || slot != null || interfaceName != null || path != null;
    }

    ExportSpec toSpec() {
        if (shelf == null || slot == null || interfaceName == null || path == null) {
            throw new IllegalArgumentException("an export needs SHELF SLOT IFACE PATH, e.g. 1 0 eth0 /var/lib/aoe/disk.img");
        }
        if (sync && writeBack) {
            throw new IllegalArgumentException("-s (durable writes) and --write-back contradict each other: choose one");
        }
        StoreSpec store = StoreSpec.of(path.toAbsolutePath())
                .withOffsetSectors(offsetSectors)
                .withReadOnly(readOnly)
                .withDirect(direct)
                .withWriteCache(writeBack ? WriteCache.WRITE_BACK : WriteCache.OFF);
        if (lengthSectors != null) {
            store = store.withLengthSectors(lengthSectors);
        }
        if (createSize != null) {
            store = store.withCreateSize(Sizes.parse(createSize));
        }
        return new ExportSpec(shelf, slot, interfaces(), store, bufferCount, MacAddress.parseList(allowlist),
                configString.getBytes(StandardCharsets.UTF_8), "");
    }

    /** IFACE as a list: {@code eth0,eth1} names two paths to the export. */
    private List<String> interfaces() {
        List<String> names = List.of(interfaceName.split(",", -1));
        if (names.contains("")) {
            throw new IllegalArgumentException("IFACE " + interfaceName + " has an empty name: write eth0 or eth0,eth1");
        }
        return names;
    }
}
