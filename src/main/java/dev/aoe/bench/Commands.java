package dev.aoe.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, sync) and fails with their output when they fail. */
final class Commands {
    private static final long TIMEOUT_SECONDS = 30;

    private Commands() {
    }

    static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Like {@link #run} but only reports a failure: for clean-up, which must go on regardless. */
    static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            System.err.println("aoe bench: warning: " + e.getMessage());
        }
    }
}
