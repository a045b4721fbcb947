package dev.aoe.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The QEMU harness {@code src/test/vm/aoe-vm} for the Linux-initiator tests. Before the class it
 * skips, saying why, without root, {@code /dev/net/tun} or QEMU (which {@code aoe-vm setup}
 * installs where it can), and runs the idempotent setup; {@link #run} builds an
 * {@code aoe-vm run} command, streams its output with a prefix and returns the guest's verdict.
 * <pre>{@code
 * @RegisterExtension
 * static final AoeVm VM = new AoeVm();
 * }</pre>
 */
public final class AoeVm implements BeforeAllCallback {
    private static final long SETUP_LIMIT_S = 900;

    private final Path projectDir = AoeCli.projectDir().toAbsolutePath().normalize();
    private final Path harness = projectDir.resolve("src/test/vm/aoe-vm");

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(Privileges.isRoot(), "the AoE VM test needs root (network namespaces, tap device, apt)");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "the AoE VM test needs /dev/net/tun");
        // Idempotent: installs the packages and caches the guest kernel + initramfs on a fresh machine.
        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = stream(List.of("bash", harness.toString(), "setup"), "[setup] ", out, SETUP_LIMIT_S);
        System.out.printf("[setup] aoe-vm setup exit %d in %.1f s%n", rc, (System.nanoTime() - t0) / 1e9);
        boolean qemu = Privileges.hasCommand("qemu-system-x86_64");
        assumeTrue(qemu || rc == 0, "qemu-system-x86_64 is missing and 'aoe-vm setup' could not install it");
        assertTrue(qemu, "qemu-system-x86_64 not found after a successful 'aoe-vm setup'");
        assertEquals(0, rc, "aoe-vm setup failed:\n" + String.join("\n", out));
    }

    /** A guest script under {@code src/test/vm/guest}. */
    public Path guestScript(String name) {
        return projectDir.resolve("src/test/vm/guest").resolve(name);
    }

    /**
     * {@code bin/aoe serve ARGS} as a shell command for {@code --target}, on the jar of this build
     * when failsafe names one, with a JVM that starts fast.
     */
    public String serveCommand(String args) {
        Path launcher = launcher();
        String jar = System.getProperty("aoe.jar");
        String env = jar != null && Files.exists(Path.of(jar)) ? "AOE_JAR=" + shellQuote(jar) + " " : "";
        return env + "JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' " + shellQuote(launcher.toString())
                + " serve " + args;
    }

    /** The target launcher {@code bin/aoe}; fails the test when the build did not make it. */
    public Path launcher() {
        Path launcher = projectDir.resolve("bin/aoe");
        if (!Files.isExecutable(launcher)) {
            fail("target launcher " + launcher + " not found");
        }
        return launcher;
    }

    /** A sparse file of {@code bytes}: the served disk. */
    public static Path sparseFile(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Runs {@code aoe-vm run} with the target and VM in namespaces named after {@code name} and
     * this process, logs in {@code dir/logs}, then {@code options}, {@code --} and the guest
     * script's arguments; fails when it outlasts {@code limitSeconds}.
     *
     * @param label the prefix of every echoed output line, e.g. {@code restart}
     * @param name  a short tag for the namespaces, e.g. {@code r} for aoeit-rt-PID and aoeit-rvm-PID
     */
    public Run run(String label, String name, Path dir, long limitSeconds, List<String> options,
                   List<String> guestArgs) throws IOException, InterruptedException {
        Path logs = dir.resolve("logs");
        String tag = Long.toString(ProcessHandle.current().pid());
        List<String> cmd = new ArrayList<>(List.of("bash", harness.toString(), "run",
                "--target-netns", "aoeit-" + name + "t-" + tag,
                "--netns", "aoeit-" + name + "vm-" + tag,
                "--logdir", logs.toString()));
        cmd.addAll(options);
        cmd.add("--");
        cmd.addAll(guestArgs);
        String prefix = "[" + label + "] ";
        System.out.println(prefix + String.join(" ", cmd));

        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = stream(cmd, prefix, out, limitSeconds);
        double secs = (System.nanoTime() - t0) / 1e9;
        Path targetLog = logs.resolve("target.log");
        return new Run(rc, out, secs, Files.exists(targetLog) ? Files.readString(targetLog) : "");
    }

    /** What an {@code aoe-vm run} left: exit status, console lines (blank ones dropped), time, target log. */
    public record Run(int exit, List<String> lines, double seconds, String targetLog) {
        /** The last line: the harness's verdict, {@code AOE-VM OK|FAIL ...}. */
        public String verdict() {
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        }

        public String console() {
            return String.join("\n", lines);
        }

        /** Fails unless the run exited 0 with an {@code AOE-VM OK} verdict; the message shows the target log. */
        public void assertOk() {
            assertEquals(0, exit, "aoe-vm run failed: " + verdict() + "\ntarget.log:\n" + targetLog);
            assertTrue(verdict().startsWith("AOE-VM OK"), "last line is not the AOE-VM OK verdict: " + verdict());
        }
    }

    /** Runs cmd (stderr merged), echoes each line with prefix, collects them; returns the exit status. */
    private static int stream(List<String> cmd, String prefix, List<String> lines, long limitSeconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(prefix + line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                System.out.println(prefix + "(output read failed: " + e + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.destroy(); // SIGTERM: the harness tears down the VM, the target and the namespaces
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            reader.join(5000);
            fail(String.join(" ", cmd) + " did not finish within " + limitSeconds + " s");
        }
        reader.join(10000);
        synchronized (lines) {
            lines.removeIf(String::isBlank);
        }
        return p.exitValue();
    }
}
