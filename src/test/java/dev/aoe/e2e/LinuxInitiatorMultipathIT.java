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
 * The real Linux initiator on two links to one {@code aoe serve} export (multipath): the VM gets
 * eth0 and eth1 ({@code aoe-vm --links 2}), the target serves e0.1 on both of its ends, and the
 * guest ({@code src/test/vm/guest/multipath.sh}) checks that aoe-stat lists both interfaces, then
 * runs a write/verify load while the host takes the second link down and back up ({@code --hook}),
 * and reports the load's errors (0) and the read throughput with both links and with one. One run
 * at MTU 1500.
 */
class LinuxInitiatorMultipathIT {
    private static final int SHELF = 0;
    private static final int SLOT = 1;
    private static final long DISK_BYTES = 64L << 20;
    private static final int READ_MIB = 16;
    private static final String IFACE = "aoe-mh";
    private static final String IFACE2 = "aoe-mh2";
    private static final long RUN_LIMIT_S = 240;
    private static final Pattern PATHS = Pattern.compile("^AOE-VM PATHS (.*)$", Pattern.MULTILINE);
    private static final Pattern ERRORS = Pattern.compile(" errors=(\\d+) ");

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
    void bothLinksServeAndALinkFlapCostsNoErrors(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(DISK_BYTES); // sparse
        }
        Path logs = dir.resolve("logs");
        String tag = Long.toString(ProcessHandle.current().pid());
        List<String> cmd = List.of("bash", harness.toString(), "run",
                "--mtu", "1500",
                "--links", "2",
                "--iface", IFACE,
                "--iface2", IFACE2,
                "--target-netns", "aoeit-mt-" + tag,
                "--netns", "aoeit-mvm-" + tag,
                "--timeout", Long.toString(RUN_LIMIT_S - 30),
                "--logdir", logs.toString(),
                "--script", projectDir.resolve("src/test/vm/guest/multipath.sh").toString(),
                "--hook", "AOE-VM LINK-DOWN=ip link set " + IFACE2 + " down",
                "--hook", "AOE-VM LINK-UP=ip link set " + IFACE2 + " up",
                "--target", targetCommand(disk),
                "--", Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(READ_MIB));
        System.out.println("[multipath] " + String.join(" ", cmd));

        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>();
        int rc = LinuxInitiatorIT.run(cmd, "[multipath] ", out, RUN_LIMIT_S);
        double secs = (System.nanoTime() - t0) / 1e9;
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        String console = String.join("\n", out);
        String targetLog = Files.exists(logs.resolve("target.log")) ? Files.readString(logs.resolve("target.log")) : "";

        assertEquals(0, rc, "aoe-vm run failed: " + last + "\ntarget.log:\n" + targetLog);
        assertTrue(last.startsWith("AOE-VM OK"), "last line is not the AOE-VM OK verdict: " + last);
        Matcher paths = PATHS.matcher(console);
        assertTrue(paths.find(), "the guest printed no aoe-stat line for e0.1");
        assertTrue(paths.group(1).contains("eth0") && paths.group(1).contains("eth1"),
                "aoe-stat does not list both interfaces: " + paths.group(1));
        Matcher errors = ERRORS.matcher(last);
        assertTrue(errors.find(), "no error count in " + last);
        assertEquals("0", errors.group(1), "the load had errors across the link flap: " + last);
        assertTrue(targetLog.contains("e0.1 serving") || targetLog.contains("e0.1: serving"),
                "the target did not serve e0.1:\n" + targetLog);
        out.stream().filter(l -> l.startsWith("AOE-VM PATHS") || l.startsWith("== ")).forEach(System.out::println);
        System.out.printf("LinuxInitiatorMultipathIT: %s; %.1f s%n", last, secs);
    }

    /** bin/aoe serve on both links, on the jar of this build when failsafe names one. */
    private static String targetCommand(Path disk) {
        Path launcher = projectDir.resolve("bin/aoe");
        if (!Files.isExecutable(launcher)) {
            fail("target launcher " + launcher + " not found");
        }
        String jar = System.getProperty("aoe.jar");
        String env = jar != null && Files.exists(Path.of(jar)) ? "AOE_JAR=" + LinuxInitiatorIT.shellQuote(jar) + " " : "";
        return env + "JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' " + LinuxInitiatorIT.shellQuote(launcher.toString())
                + " serve --probe-ms 100 " + SHELF + " " + SLOT + " " + IFACE + "," + IFACE2 + " "
                + LinuxInitiatorIT.shellQuote(disk.toString());
    }
}
