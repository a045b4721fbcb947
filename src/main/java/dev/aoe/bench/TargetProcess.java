package dev.aoe.bench;

import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.NetNs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A target running as a separate process in the link's target namespace, so /proc shows its
 * CPU time and memory alone. Only this process is ever signalled, by its own PID.
 */
public final class TargetProcess implements Closeable {
    public static final int SHELF = 1;
    public static final int SLOT = 0;
    /** A JVM needs a few seconds to start on a busy machine; vblade answers at once. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUERY_WAIT = Duration.ofMillis(200);
    private static final long STOP_SECONDS = 15;

    private final String name;
    private final Process process;
    private final Path log;

    private TargetProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The engine this JVM runs: the jar {@code bin/aoe} starts. */
    public static Path thisEngine() {
        return Path.of(System.getProperty("java.class.path")).toAbsolutePath();
    }

    /**
     * Starts our engine ({@code aoe serve}) from {@code engineJar}, with {@code serveArgs} after
     * {@code serve --no-state --probe-ms 0}.
     */
    public static TargetProcess aoe(BenchLink link, Path engineJar, List<String> jvmOptions, List<String> serveArgs,
            Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", link.targetNamespace(), javaCommand()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", engineJar.toString(), "serve", "--no-state", "--probe-ms", "0"));
        command.addAll(serveArgs);
        return start("aoe", command, log);
    }

    /** Starts {@code vblade [-s] -b N 1 0 IFACE FILE}. */
    public static TargetProcess vblade(BenchLink link, boolean durable, int bufferCount, Path file, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", link.targetNamespace(), "vblade",
                "-b", String.valueOf(bufferCount)));
        if (durable) {
            command.add("-s");
        }
        command.addAll(List.of(String.valueOf(SHELF), String.valueOf(SLOT), BenchLink.TARGET_INTERFACE, file.toString()));
        return start("vblade", command, log);
    }

    /** Starts the ceiling responder, {@code ceiling -b N 1 0 IFACE SECTORS}. */
    public static TargetProcess ceiling(BenchLink link, Path binary, int bufferCount, long sectors, Path log)
            throws IOException {
        return start("ceiling", List.of("ip", "netns", "exec", link.targetNamespace(), binary.toString(),
                "-b", String.valueOf(bufferCount), String.valueOf(SHELF), String.valueOf(SLOT),
                BenchLink.TARGET_INTERFACE, String.valueOf(sectors)), log);
    }

    private static TargetProcess start(String name, List<String> command, Path log) throws IOException {
        // `ip netns exec` execs the command, so the PID is the target's own.
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new TargetProcess(name, p, log);
    }

    private static String javaCommand() throws IOException {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IOException("cannot tell which java runs this program"));
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until e{@code shelf}.{@code slot} answers a config query on the initiator's side. */
    public TargetInfo awaitDiscovery(BenchLink link, int shelf, int slot) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Initiator initiator = NetNs.call(link.initiatorNamespace(),
                () -> Initiator.open(BenchLink.INITIATOR_INTERFACE))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with status " + process.exitValue() + ": " + logTail());
                }
                Optional<TargetInfo> found = initiator.probe(shelf, slot, QUERY_WAIT);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IOException(name + " did not answer discovery within " + START_TIMEOUT.toSeconds() + " s: "
                + logTail());
    }

    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    /** Stops the process: SIGTERM, then SIGKILL if it lingers. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
