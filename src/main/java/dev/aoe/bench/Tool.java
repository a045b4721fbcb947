package dev.aoe.bench;

import dev.aoe.net.Ip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A system tool the benchmark runs to completion: a compiler, perf, mkfifo, kill. */
final class Tool {
    private Tool() {
    }

    /** The executable {@code name}, if installed. */
    static Optional<Path> find(String name) {
        return Ip.executable(name);
    }

    /**
     * Runs {@code command} and returns its output (stdout and stderr together); fails with that
     * output when it exits non-zero or runs longer than {@code timeout}.
     */
    static String run(List<String> command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        // These tools print a few lines, far below the pipe buffer, so reading after exit is safe.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + p.exitValue()
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return output;
    }
}
