package dev.aoe.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Counts one process's system calls over an interval with
 * {@code perf stat -e raw_syscalls:sys_enter -p PID -x,}. perf is started before the interval
 * with its counter disabled ({@code -D -1}) and switched on and off through its control FIFO
 * ({@code --control fifo:CTL,ACK}), each switch acknowledged, so the count covers the interval
 * and not perf's own start-up. perf attaches to the threads the process has when it starts.
 */
public final class SyscallCounter implements Closeable {
    static final String EVENT = "raw_syscalls:sys_enter";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

    private final Process perf;
    private final Path output;
    private final RandomAccessFile control;
    private final RandomAccessFile ack;
    private final ExecutorService ackReader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aoe-bench-perf-ack");
        t.setDaemon(true);
        return t;
    });

    private SyscallCounter(Process perf, Path output, RandomAccessFile control, RandomAccessFile ack) {
        this.perf = perf;
        this.output = output;
        this.control = control;
        this.ack = ack;
    }

    /** Why system calls cannot be counted here, or null when perf can count them. */
    public static String unavailable() {
        if (Tool.find("perf").isEmpty()) {
            return "--syscalls needs perf (apt-get install linux-perf)";
        }
        try {
            Tool.run(List.of(Tool.find("perf").orElseThrow().toString(), "stat", "-e", EVENT, "-x,", "--", "true"),
                    CHECK_TIMEOUT);
            return null;
        } catch (IOException e) {
            return "--syscalls: perf cannot count " + EVENT + " here (root and a mounted tracefs are needed): "
                    + e.getMessage();
        }
    }

    /** Attaches perf to process {@code pid}, counting nothing yet; its files go in {@code directory}. */
    public static SyscallCounter attach(long pid, Path directory, String name) throws IOException {
        Path ctl = directory.resolve(name + ".ctl");
        Path ackFifo = directory.resolve(name + ".ack");
        Path output = directory.resolve(name + ".perf");
        Files.deleteIfExists(ctl);
        Files.deleteIfExists(ackFifo);
        Tool.run(List.of("mkfifo", ctl.toString(), ackFifo.toString()), CHECK_TIMEOUT);
        // Opened read-write, a FIFO opens at once: neither side waits for the other.
        RandomAccessFile control = new RandomAccessFile(ctl.toFile(), "rw");
        RandomAccessFile ack = new RandomAccessFile(ackFifo.toFile(), "rw");
        Process perf = new ProcessBuilder(Tool.find("perf").orElseThrow(() -> new IOException("perf is not installed"))
                .toString(), "stat", "-e", EVENT, "-x,", "-D", "-1", "--control", "fifo:" + ctl + "," + ackFifo,
                "-o", output.toString(), "-p", String.valueOf(pid))
                .redirectErrorStream(true).redirectOutput(directory.resolve(name + ".perf-log").toFile()).start();
        return new SyscallCounter(perf, output, control, ack);
    }

    /** Starts counting; returns once perf has. */
    public void start() throws IOException {
        command("enable");
    }

    /** Stops counting; returns once perf has. */
    public void stop() throws IOException {
        command("disable");
    }

    /** Ends perf and returns the system calls counted while it was started. */
    public long count() throws IOException {
        // perf stat prints its counts on SIGINT; SIGTERM would end it silently.
        Tool.run(List.of("kill", "-INT", String.valueOf(perf.pid())), CHECK_TIMEOUT);
        try {
            if (!perf.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("perf did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of SIGINT");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for perf", e);
        }
        return count(Files.readString(output, StandardCharsets.UTF_8));
    }

    /** The count from perf's CSV output ({@code -x,}): the first field of the event's line. */
    static long count(String csv) throws IOException {
        for (String line : csv.split("\n")) {
            String[] fields = line.split(",", -1);
            if (fields.length > 2 && fields[2].equals(EVENT)) {
                try {
                    return Long.parseLong(fields[0].trim());
                } catch (NumberFormatException e) {
                    throw new IOException("perf counted no " + EVENT + ": " + line);
                }
            }
        }
        throw new IOException("no " + EVENT + " count in perf's output: " + csv.strip());
    }

    private void command(String command) throws IOException {
        control.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        // perf writes "ack\n" with its C string's NUL, which then starts the next line.
        Future<String> reply = ackReader.submit(() -> ack.readLine().replace("\0", ""));
        try {
            String line = reply.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!"ack".equals(line)) {
                throw new IOException("perf answered '" + line + "' to " + command);
            }
        } catch (TimeoutException e) {
            // Unblock the reader: the FIFO is open for writing on this side too.
            ack.write('\n');
            throw new IOException("perf did not acknowledge '" + command + "' within " + ACK_TIMEOUT.toSeconds()
                    + " s" + (perf.isAlive() ? "" : " (it exited with status " + perf.exitValue() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for perf", e);
        } catch (ExecutionException e) {
            throw new IOException("reading perf's acknowledgement: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Ends perf if it still runs (by its PID) and closes the FIFOs. Idempotent. */
    @Override
    public void close() {
        perf.destroyForcibly();
        ackReader.shutdownNow();
        try {
            control.close();
            ack.close();
        } catch (IOException e) {
            // Closing a FIFO this process opened cannot lose data anyone waits for.
        }
    }
}
