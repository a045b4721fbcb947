package dev.aoe.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip} for test fixtures, failing with its stderr. */
public final class Ip {
    private static final long TIMEOUT_SECONDS = 10;

    private Ip() {
    }

    /** Runs {@code ip args...} and returns its stdout; throws with the stderr on failure. */
    public static String run(String... args) {
        Path ip = Privileges.ipTool().orElseThrow(() -> new IllegalStateException("the `ip` tool is not installed"));
        List<String> command = new ArrayList<>();
        command.add(ip.toString());
        command.addAll(List.of(args));
        String shown = String.join(" ", command);
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(shown + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            // ip's output here is a few lines, far below the pipe buffer, so reading after exit is safe.
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(shown + " failed (exit " + process.exitValue() + "): " + stderr.trim());
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        }
    }
}
