package dev.aoe.cli;

import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.engine.PathStatus;
import dev.aoe.store.Sizes;
import io.quarkus.runtime.Quarkus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** How commands talk to people: one-line errors on stderr and one-line summaries. */
final class Cli {
    static final int FAILED = 1;

    private Cli() {
    }

    /** Prints {@code aoe COMMAND: error: MESSAGE} and returns the failure exit status. */
    static int fail(String command, String message) {
        System.err.println("aoe " + command + ": error: " + message);
        return FAILED;
    }

    static String describe(ExportStatus s, ExportSpec spec) {
        return s.target() + ": serving " + spec.store().path() + " (" + Sizes.format(s.sizeBytes()) + ", "
                + s.sizeBytes() / 512 + " sectors" + (s.readOnly() ? ", read-only" : "")
                + (s.createdSource() ? ", created" : "") + ") on "
                + String.join(" and ", s.paths().stream().map(Cli::describe).toList())
                + ", buffer count " + spec.bufferCount()
                + ", write cache " + s.writeCache().toLowerCase().replace('_', '-');
    }

    private static String describe(PathStatus p) {
        return p.interfaceName() + " (" + p.mac() + ", MTU " + p.mtu() + ", " + p.sectorsPerFrame() + " sectors/frame"
                + (p.up() ? "" : ", link down") + ")";
    }

    /** Deletes {@code dir} and everything below it. */
    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Blocks until SIGTERM or SIGINT, which become a normal stop: the caller then closes what it
     * serves and the process exits 0. Left to the JVM, either signal starts its shutdown at once,
     * halting with status 143 or 130 before the engine has closed its exports.
     */
    static void waitForStop() {
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> Quarkus.asyncExit(0));
        }
        Quarkus.waitForExit();
    }
}
