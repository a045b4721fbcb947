package dev.aoe.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Linux initiator keeps a mounted ext4 through a restart of {@code aoe serve}: the guest
 * ({@code src/test/vm/guest/restart.sh}) writes and syncs files, prints
 * {@code AOE-VM RESTART-TARGET}, on which {@code aoe-vm --restart-target-on} stops the target by
 * PID (SIGTERM) and starts it again on the same file and state directory, while the guest keeps
 * writing; its syncs block and resume. It then remounts, verifies every sha256 and runs
 * {@code e2fsck -fn}. One run at MTU 1500.
 */
class LinuxInitiatorRestartIT {
    private static final int SHELF = 0;
    private static final int SLOT = 1;
    private static final long DISK_BYTES = 128L << 20;
    private static final int GUEST_MIB = 4;
    private static final String IFACE = "aoe-rh";
    private static final String RESTART_LINE = "AOE-VM RESTART-TARGET";
    private static final long RUN_LIMIT_S = 150;
    private static final Pattern SERVING = Pattern.compile("e0\\.1: serving .* on " + IFACE + " \\(([0-9a-f:]{17}),");

    private static Path projectDir;
    private static Path harness;

    @BeforeAll
    static void setUpVmHarness() throws Exception {
        projectDir = Path.of(System.getProperty("aoe.project.dir", ".")).toAbsolutePath().normalize();
        harness = projectDir.resolve("src/test/vm/aoe-vm");
        Assumptions.assumeTrue(LinuxInitiatorIT.isRoot(), "the AoE VM test needs root (network namespaces, tap device, apt)");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "the AoE VM test needs /dev/net/tun");
        List<String> out = new ArrayList<>();
        int rc = LinuxInitiatorIT.run(List.of("bash", harness.toString(), "setup"), "[setup] ", out, 900);
        boolean qemu = LinuxInitiatorIT.onPath("qemu-system-x86_64");
        Assumptions.assumeTrue(qemu || rc == 0, "qemu-system-x86_64 is missing and 'aoe-vm setup' could not install it");
        assertEquals(0, rc, "aoe-vm setup failed:\n" + String.join("\n", out));
    }

    @Test
    void mountedFileSystemSurvivesATargetRestart(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(DISK_BYTES); // sparse
        }
        Path logs = dir.resolve("logs");
        String tag = Long.toString(ProcessHandle.current().pid());
        List<String> cmd = List.of("bash", harness.toString(), "run",
                "--mtu", "1500",
                "--iface", IFACE,
                "--target-netns", "aoeit-rt-" + tag,
                "--netns", "aoeit-rvm-" + tag,
                "--timeout", "120",
                "--logdir", logs.toString(),
                "--script", projectDir.resolve("src/test/vm/guest/restart.sh").toString(),
                "--restart-target-on", RESTART_LINE,
                "--target", targetCommand(dir.resolve("state"), disk),
                "--", Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(GUEST_MIB));
        System.out.println("[restart] " + String.join(" ", cmd));

        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = LinuxInitiatorIT.run(cmd, "[restart] ", out, RUN_LIMIT_S);
        double secs = (System.nanoTime() - t0) / 1e9;
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        String targetLog = Files.exists(logs.resolve("target.log")) ? Files.readString(logs.resolve("target.log")) : "";

        assertEquals(0, rc, "aoe-vm run failed: " + last + "\ntarget.log:\n" + targetLog);
        assertTrue(last.startsWith("AOE-VM OK"), "last line is not the AOE-VM OK verdict: " + last);
        assertTrue(last.contains("restart="), "the harness did not restart the target: " + last);
        // Two starts of the engine, both serving e0.1 from the interface's own MAC.
        List<String> macs = new ArrayList<>();
        Matcher m = SERVING.matcher(targetLog);
        while (m.find()) {
            macs.add(m.group(1));
        }
        assertEquals(2, macs.size(), "expected two 'e0.1: serving' lines (before and after the restart):\n" + targetLog);
        assertEquals(macs.get(0), macs.get(1), "the MAC changed across the restart:\n" + targetLog);
        System.out.printf("LinuxInitiatorRestartIT: the Linux initiator kept its ext4 mounted through a restart of"
                + " serve (e0.1 on %s both times): %s; %.1f s%n", macs.get(0), last, secs);
    }

    /** bin/aoe serve with a state directory, on the jar of this build when failsafe names one. */
    private static String targetCommand(Path state, Path disk) {
        Path launcher = projectDir.resolve("bin/aoe");
        if (!Files.isExecutable(launcher)) {
            fail("target launcher " + launcher + " not found");
        }
        String jar = System.getProperty("aoe.jar");
        String env = jar != null && Files.exists(Path.of(jar)) ? "AOE_JAR=" + LinuxInitiatorIT.shellQuote(jar) + " " : "";
        return env + "JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' " + LinuxInitiatorIT.shellQuote(launcher.toString())
                + " serve --state-dir " + LinuxInitiatorIT.shellQuote(state.toString()) + " --probe-ms 100 "
                + SHELF + " " + SLOT + " " + IFACE + " " + LinuxInitiatorIT.shellQuote(disk.toString());
    }
}
