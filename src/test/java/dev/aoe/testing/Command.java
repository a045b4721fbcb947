package dev.aoe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a process with its stdout and stderr going to files, so a chatty or long-running process
 * never blocks on a full pipe, and gives back its exit status and output.
 */
public final class Command {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command;
    private final Map<String, String> env;

    private Command(List<String> command, Map<String, String> env) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
    }

    public static Command of(List<String> command) {
        return new Command(command, Map.of());
    }

    /** The same command with these variables added to its environment. */
    public Command withEnv(Map<String, String> variables) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(variables);
        return new Command(command, all);
    }

    /** Runs to completion; kills it and fails when it takes longer than {@code timeout}. */
    public Result run(Duration timeout) {
        Path dir = TempDirs.create("aoe-command");
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Process p = launch(out, err);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "\nstdout:\n" + read(out) + "\nstderr:\n" + read(err));
            }
            return new Result(command, p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Starts it in the background; {@link Background#close()} stops it if still running. */
    public Background start() {
        Path dir = TempDirs.create("aoe-command");
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            return new Background(command, launch(out, err), dir, out, err);
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new UncheckedIOException(e);
        }
    }

    private Process launch(Path out, Path err) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /** What a finished run left: its exit status and output. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {
        /** This result, or an assertion failure describing it when the exit status is not 0. */
        public Result orFail() {
            if (exit != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        /** For assertion messages: the command, its status and all its output. */
        public String describe() {
            return String.join(" ", command) + "\nexit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** A running process, tracked by its PID (so launchers that exec, like ip netns exec, are fine). */
    public static final class Background implements AutoCloseable {
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

        public long pid() {
            return process.pid();
        }

        public String stdout() {
            return read(out);
        }

        public String stderr() {
            return read(err);
        }

        /** Waits until stdout has a line containing {@code text}; fails if it exits or times out first. */
        public String awaitStdout(String text, Duration timeout) {
            return awaitLine(line -> line.contains(text), "a line containing '" + text + "'", timeout);
        }

        public String awaitStdout(String text) {
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
                Pause.millis(20);
            }
        }

        /**
         * Sends SIGTERM to its PID and waits up to {@code timeout} for it to exit; returns its
         * status and all its output, or fails (after killing it) if it did not exit in time.
         */
        public Result stop(Duration timeout) {
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

        public Result stop() {
            return stop(Duration.ofSeconds(5));
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    stop(Duration.ofSeconds(10));
                }
            } finally {
                TempDirs.delete(dir);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
