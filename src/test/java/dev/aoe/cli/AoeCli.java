package dev.aoe.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the launcher {@code bin/aoe} as a person would: optionally inside a network namespace
 * ({@code ip netns exec NS}) and as user nobody ({@code setpriv}), with the jar of this build
 * ({@code AOE_JAR}), capturing exit status, stdout and stderr. Output goes to files, so a chatty
 * or long-running process never blocks on a full pipe.
 *
 * <pre>
 *   Result r = AoeCli.aoe("serve", "--help").run();
 *   try (Background serve = AoeCli.aoe("serve", ...).inNetns(ns).start()) {
 *       serve.awaitStdout("serving 1 of 1 export(s)");
 *       Result stopped = serve.stop();
 *   }
 * </pre>
 */
final class AoeCli {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** user nobody, group nogroup: an ordinary user with no capabilities. */
    static final int NOBODY = 65534;
    /** Faster JVM start for short runs; the launcher passes JAVA_OPTS to java. */
    private static final String JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";

    private final List<String> args;
    private String netns;
    private Path home;
    private boolean asNobody;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();

    private AoeCli(List<String> args) {
        this.args = args;
    }

    static AoeCli aoe(String... args) {
        return new AoeCli(List.of(args));
    }

    /** The repository root (failsafe's {@code aoe.project.dir}). */
    static Path projectDir() {
        return Path.of(System.getProperty("aoe.project.dir", System.getProperty("user.dir")));
    }

    /** The quarkus-run.jar under test (failsafe's {@code aoe.jar}), or null to let bin/aoe choose. */
    static Path jar() {
        String jar = System.getProperty("aoe.jar");
        return jar == null ? null : Path.of(jar);
    }

    /** Runs inside the named network namespace ({@code ip netns exec}). */
    AoeCli inNetns(String namespace) {
        this.netns = namespace;
        return this;
    }

    /** Adds a variable to the environment of the command. */
    AoeCli withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Runs as user and group nogroup (65534) with no supplementary groups, and HOME at {@code home}. */
    AoeCli asNobody(Path home) {
        this.asNobody = true;
        this.home = home;
        return this;
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        command.add(projectDir().resolve("bin/aoe").toString());
        command.addAll(args);
        return command;
    }

    private Process launch(Path out, Path err) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        if (jar() != null) {
            env.put("AOE_JAR", jar().toString());
        }
        env.put("JAVA_OPTS", JAVA_OPTS);
        if (home != null) {
            env.put("HOME", home.toString());
        }
        env.putAll(extraEnv);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    Result run() {
        return run(DEFAULT_TIMEOUT);
    }

    /** Runs to completion; kills it and fails when it takes longer than {@code timeout}. */
    Result run(Duration timeout) {
        Path dir = tempDir();
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Process p = launch(out, err);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command()) + " did not finish within " + timeout
                        + "\nstdout:\n" + read(out) + "\nstderr:\n" + read(err));
            }
            return new Result(command(), p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Starts it in the background; {@link Background#close()} stops it if still running. */
    Background start() {
        Path dir = tempDir();
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            return new Background(command(), launch(out, err), dir, out, err);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException(e);
        }
    }

    /** What a finished run left: its exit status and output. */
    record Result(List<String> command, int exit, String stdout, String stderr) {
        /** For assertion messages: the command, its status and all its output. */
        String describe() {
            return String.join(" ", command) + "\nexit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** A running {@code bin/aoe}, tracked by its PID (the launcher and ip netns exec both exec). */
    static final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path dir;
        private final Path out;
        private final Path err;
        private Result result;

        private Background(List<String> command, Process process, Path dir, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.dir = dir;
            this.out = out;
            this.err = err;
        }

        long pid() {
            return process.pid();
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        /** Waits until stdout has a line containing {@code text}; fails if it exits or times out first. */
        String awaitStdout(String text, Duration timeout) {
            return awaitLine(line -> line.contains(text), "a line containing '" + text + "'", timeout);
        }

        String awaitStdout(String text) {
            return awaitStdout(text, DEFAULT_TIMEOUT);
        }

        private String awaitLine(Predicate<String> match, String what, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String found = stdout().lines().filter(match).findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
                if (!process.isAlive()) {
                    throw new AssertionError(String.join(" ", command) + " exited (" + process.exitValue()
                            + ") before printing " + what + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(String.join(" ", command) + " printed no " + what + " within "
                            + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                sleep(20);
            }
        }

        /**
         * Sends SIGTERM to its PID and waits up to {@code timeout} for it to exit; returns its
         * status and all its output, or fails (after killing it) if it did not exit in time.
         */
        Result stop(Duration timeout) {
            if (result != null) {
                return result;
            }
            ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy); // SIGTERM
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(String.join(" ", command) + " did not exit within " + timeout
                            + " of SIGTERM\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            result = new Result(command, process.exitValue(), stdout(), stderr());
            return result;
        }

        Result stop() {
            return stop(Duration.ofSeconds(5));
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    stop(Duration.ofSeconds(10));
                }
            } finally {
                deleteTree(dir);
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("aoe-cli-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
