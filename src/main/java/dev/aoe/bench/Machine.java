package dev.aoe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a benchmark ran on, as one line: CPUs, CPU model, kernel and Java. */
public final class Machine {
    private Machine() {
    }

    public static String describe() {
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), Linux "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.runtime.version");
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown model");
        } catch (IOException e) {
            return "unknown model";
        }
    }
}
