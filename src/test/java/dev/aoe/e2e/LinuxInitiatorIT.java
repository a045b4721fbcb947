package dev.aoe.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end: the real Linux AoE initiator (aoe.ko in a QEMU VM, see src/test/vm/README.md)
 * against our target on a veth link, at MTU 1500 and 9000. The guest discovers e0.1, makes
 * ext4, writes files, remounts and verifies their sha256 sums.
 *
 * <p>The target command gets vblade's positional arguments {@code SHELF SLOT IFACE PATH}. It is
 * {@code <project>/bin/aoe serve} unless the system property {@code aoe.e2e.target} names
 * another one (e.g. {@code -Daoe.e2e.target=vblade} to check the harness itself).
 */
class LinuxInitiatorIT {
    private static final int SHELF = 0;
    private static final int SLOT = 1;
    private static final long DISK_BYTES = 256L << 20;
    private static final int GUEST_MIB = 12;
    private static final String IFACE = "aoe-h"; // lives in a netns of its own per run
    private static final long RUN_LIMIT_S = 240;

    private static Path projectDir;
    private static Path harness;

    @BeforeAll
    static void setUpVmHarness() throws Exception {
        projectDir = Path.of(System.getProperty("aoe.project.dir", ".")).toAbsolutePath().normalize();
        harness = projectDir.resolve("src/test/vm/aoe-vm");
        Assumptions.assumeTrue(isRoot(), "the AoE VM test needs root (network namespaces, tap device, apt)");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "the AoE VM test needs /dev/net/tun");

        // Idempotent: installs the packages and caches the guest kernel + initramfs on a fresh machine.
        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = run(List.of("bash", harness.toString(), "setup"), "[setup] ", out, 900);
        System.out.printf("[setup] aoe-vm setup exit %d in %.1f s%n", rc, (System.nanoTime() - t0) / 1e9);
        boolean qemu = onPath("qemu-system-x86_64");
        Assumptions.assumeTrue(qemu || rc == 0, "qemu-system-x86_64 is missing and 'aoe-vm setup' could not install it");
        assertTrue(qemu, "qemu-system-x86_64 not found after a successful 'aoe-vm setup'");
        assertEquals(0, rc, "aoe-vm setup failed:\n" + String.join("\n", out));
    }

    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {1500, 9000})
    void linuxInitiatorFormatsWritesAndVerifies(int mtu, @TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(DISK_BYTES); // sparse
        }
        String target = targetCommand() + " " + SHELF + " " + SLOT + " " + IFACE + " " + shellQuote(disk.toString());
        String tag = ProcessHandle.current().pid() + "-" + mtu;
        List<String> cmd = List.of("bash", harness.toString(), "run",
                "--mtu", Integer.toString(mtu),
                "--iface", IFACE,
                "--target-netns", "aoeit-t-" + tag,
                "--netns", "aoeit-vm-" + tag,
                "--timeout", "180",
                "--logdir", dir.resolve("logs").toString(),
                "--target", target,
                "--", Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(GUEST_MIB));
        System.out.println("[mtu " + mtu + "] " + String.join(" ", cmd));

        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = run(cmd, "[mtu " + mtu + "] ", out, RUN_LIMIT_S);
        double secs = (System.nanoTime() - t0) / 1e9;
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        System.out.printf("[mtu %d] aoe-vm run: exit %d in %.1f s: %s%n", mtu, rc, secs, last);

        assertEquals(0, rc, "aoe-vm run failed at MTU " + mtu + ": " + last);
        assertTrue(last.startsWith("AOE-VM OK"), "last line is not the AOE-VM OK verdict: " + last);
    }

    private static String targetCommand() {
        String configured = System.getProperty("aoe.e2e.target");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path launcher = projectDir.resolve("bin/aoe");
        if (!Files.isExecutable(launcher)) {
            fail("target launcher " + launcher + " not found (or set -Daoe.e2e.target=CMD, e.g. vblade)");
        }
        return shellQuote(launcher.toString()) + " serve";
    }

    /** Runs cmd (stderr merged), echoes each line with prefix, collects them; returns the exit status. */
    static int run(List<String> cmd, String prefix, List<String> lines, long limitSeconds)
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

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin", exe));
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
