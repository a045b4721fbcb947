package dev.aoe.cli;

import dev.aoe.engine.Engine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Options of the engine that serves exports, shared by the commands that start one. */
final class EngineOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where config strings, mask and reserve lists persist across restarts "
                    + "(default: /var/lib/aoe-operator as root, else ~/.local/state/aoe-operator).")
    Path stateDirectory;

    @Option(names = "--no-state", description = "Keep config strings, masks and reservations in memory only, as vblade does.")
    boolean noState;

    @Option(names = "--probe-ms", paramLabel = "MS", defaultValue = "300",
            description = "Listen this long for another target already using the address before serving it; 0 skips (default: ${DEFAULT-VALUE}).")
    long probeMillis;

    Engine engine() {
        return new Engine(noState ? null : stateDirectory(), hostName(), Duration.ofMillis(probeMillis));
    }

    private Path stateDirectory() {
        if (stateDirectory != null) {
            return stateDirectory;
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/aoe-operator");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "aoe-operator");
    }

    /** The host name goes into IDENTIFY's serial number, as vblade's does. */
    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
