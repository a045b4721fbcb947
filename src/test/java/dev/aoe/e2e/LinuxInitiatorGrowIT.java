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
 * The real Linux initiator takes a disk grown under a mounted ext4: the guest
 * ({@code src/test/vm/guest/grow.sh}) writes files and prints {@code AOE-VM GROW-TARGET}, on which
 * {@code aoe-vm --hook} grows the served file with {@code truncate} and sends {@code aoe serve}
 * a SIGHUP; the guest runs {@code aoe-revalidate} until it sees the new size, {@code resize2fs}
 * online, writes past the old end, remounts and verifies every sha256. One run at MTU 1500.
 */
class LinuxInitiatorGrowIT {
    private static final int SHELF = 0;
    private static final int SLOT = 1;
    private static final long BEFORE = 32L << 20;
    private static final long AFTER = 80L << 20;
    /** MiB written before the grow, and after it: together more than the old disk holds. */
    private static final int MIB_BEFORE = 8;
    private static final int MIB_AFTER = 32;
    private static final String IFACE = "aoe-gh";
    private static final String GROW_LINE = "AOE-VM GROW-TARGET";
    private static final long RUN_LIMIT_S = 170;
    private static final Pattern VERDICT = Pattern.compile("size-before=(\\d+) size-after=(\\d+) fs-before=(\\d+)"
            + " fs-after=(\\d+) files=(\\d+) verified fsck=clean");

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
    void aMountedExt4GrowsOnlineWithTheServedFile(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(BEFORE); // sparse
        }
        Path logs = dir.resolve("logs");
        String tag = Long.toString(ProcessHandle.current().pid());
        String grow = "truncate -s " + AFTER + " " + LinuxInitiatorIT.shellQuote(disk.toString())
                + " && kill -HUP \"$AOE_VM_TARGET_PID\"";
        List<String> cmd = List.of("bash", harness.toString(), "run",
                "--mtu", "1500",
                "--iface", IFACE,
                "--target-netns", "aoeit-gt-" + tag,
                "--netns", "aoeit-gvm-" + tag,
                "--timeout", "150",
                "--logdir", logs.toString(),
                "--script", projectDir.resolve("src/test/vm/guest/grow.sh").toString(),
                "--hook", GROW_LINE + "=" + grow,
                "--target", targetCommand(disk),
                "--", Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(MIB_BEFORE),
                Integer.toString(MIB_AFTER));
        System.out.println("[grow] " + String.join(" ", cmd));

        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = LinuxInitiatorIT.run(cmd, "[grow] ", out, RUN_LIMIT_S);
        double secs = (System.nanoTime() - t0) / 1e9;
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        String targetLog = Files.exists(logs.resolve("target.log")) ? Files.readString(logs.resolve("target.log")) : "";

        assertEquals(0, rc, "aoe-vm run failed: " + last + "\ntarget.log:\n" + targetLog);
        assertTrue(last.startsWith("AOE-VM OK"), "last line is not the AOE-VM OK verdict: " + last);
        Matcher m = VERDICT.matcher(last);
        assertTrue(m.find(), "no sizes and checksum verdict in: " + last);
        assertEquals(BEFORE, Long.parseLong(m.group(1)), "the size the guest saw first");
        assertEquals(AFTER, Long.parseLong(m.group(2)), "the size the guest saw after aoe-revalidate");
        assertTrue(Long.parseLong(m.group(4)) > Long.parseLong(m.group(3)), "resize2fs grew the file system: " + last);
        assertEquals(MIB_BEFORE + MIB_AFTER, Integer.parseInt(m.group(5)), "every file verified");
        assertTrue(targetLog.contains("e0.1 grew from " + BEFORE + " to " + AFTER + " bytes"),
                "serve did not log the grow:\n" + targetLog);
        System.out.printf("LinuxInitiatorGrowIT: the Linux initiator grew a mounted ext4 with the served file: %s;"
                + " %.1f s%n", last, secs);
    }

    /** bin/aoe serve on the jar of this build when failsafe names one. */
    private static String targetCommand(Path disk) {
        Path launcher = projectDir.resolve("bin/aoe");
        if (!Files.isExecutable(launcher)) {
            fail("target launcher " + launcher + " not found");
        }
        String jar = System.getProperty("aoe.jar");
        String env = jar != null && Files.exists(Path.of(jar)) ? "AOE_JAR=" + LinuxInitiatorIT.shellQuote(jar) + " " : "";
        return env + "JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' " + LinuxInitiatorIT.shellQuote(launcher.toString())
                + " serve --no-state --probe-ms 100 " + SHELF + " " + SLOT + " " + IFACE + " "
                + LinuxInitiatorIT.shellQuote(disk.toString());
    }
}
