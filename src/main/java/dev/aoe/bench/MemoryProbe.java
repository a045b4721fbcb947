package dev.aoe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's resident set (VmRSS) when idle with one export and with many exports on the
 * same interface, each a sparse file, measured a fixed time after every export answers.
 */
public final class MemoryProbe {
    public static final int MANY_EXPORTS = 100;
    private static final long SPARSE_EXPORT_BYTES = 64L << 20;
    /** Lets start-up garbage settle before reading the resident set. */
    private static final long SETTLE_MILLIS = 3_000;

    private final BenchLink link;
    private final Path workDirectory;
    /** The build of the engine whose memory is probed. */
    private final Path engineJar;

    public MemoryProbe(BenchLink link, Path engineJar, Path workDirectory) {
        this.link = link;
        this.engineJar = engineJar;
        this.workDirectory = workDirectory;
    }

    /** Resident bytes of the engine serving {@code exports} sparse files. */
    public long engineResidentBytes(int exports) throws Exception {
        Path exportsFile = workDirectory.resolve("exports-" + exports + ".conf");
        List<String> lines = new ArrayList<>();
        for (int slot = 0; slot < exports; slot++) {
            lines.add("--create " + SPARSE_EXPORT_BYTES + " " + TargetProcess.SHELF + " " + slot + " "
                    + BenchLink.TARGET_INTERFACE + " " + workDirectory.resolve("memory-" + slot + ".img"));
        }
        Files.write(exportsFile, lines);
        Path log = workDirectory.resolve("memory-" + exports + ".log");
        try (TargetProcess engine = TargetProcess.aoe(link, engineJar, List.of(), List.of("--exports", exportsFile.toString()), log)) {
            engine.awaitDiscovery(link, TargetProcess.SHELF, exports - 1);
            Thread.sleep(SETTLE_MILLIS);
            return ProcStats.residentBytes(engine.pid());
        }
    }

    /** Resident bytes of vblade serving {@code disk}, for reference. */
    public long vbladeResidentBytes(Path disk, int bufferCount) throws Exception {
        try (TargetProcess vblade = TargetProcess.vblade(link, false, bufferCount, disk,
                workDirectory.resolve("memory-vblade.log"))) {
            vblade.awaitDiscovery(link, TargetProcess.SHELF, TargetProcess.SLOT);
            Thread.sleep(SETTLE_MILLIS);
            return ProcStats.residentBytes(vblade.pid());
        }
    }
}
