package dev.aoe.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.AoeVm;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final AoeVm VM = new AoeVm();

    @Test
    void bothLinksServeAndALinkFlapCostsNoErrors(@TempDir Path dir) throws Exception {
        Path disk = AoeVm.sparseFile(dir.resolve("disk.img"), DISK_BYTES);
        AoeVm.Run run = VM.run("multipath", "m", dir, RUN_LIMIT_S, List.of(
                        "--mtu", "1500",
                        "--links", "2",
                        "--iface", IFACE,
                        "--iface2", IFACE2,
                        "--timeout", Long.toString(RUN_LIMIT_S - 30),
                        "--script", VM.guestScript("multipath.sh").toString(),
                        "--hook", "AOE-VM LINK-DOWN=ip link set " + IFACE2 + " down",
                        "--hook", "AOE-VM LINK-UP=ip link set " + IFACE2 + " up",
                        "--target", VM.serveCommand("--probe-ms 100 " + SHELF + " " + SLOT + " " + IFACE + "," + IFACE2
                                + " " + AoeVm.shellQuote(disk.toString()))),
                List.of(Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(READ_MIB)));

        run.assertOk();
        String last = run.verdict();
        String targetLog = run.targetLog();
        Matcher paths = PATHS.matcher(run.console());
        assertTrue(paths.find(), "the guest printed no aoe-stat line for e0.1");
        assertTrue(paths.group(1).contains("eth0") && paths.group(1).contains("eth1"),
                "aoe-stat does not list both interfaces: " + paths.group(1));
        Matcher errors = ERRORS.matcher(last);
        assertTrue(errors.find(), "no error count in " + last);
        assertEquals("0", errors.group(1), "the load had errors across the link flap: " + last);
        assertTrue(targetLog.contains("e0.1 serving") || targetLog.contains("e0.1: serving"),
                "the target did not serve e0.1:\n" + targetLog);
        run.lines().stream().filter(l -> l.startsWith("AOE-VM PATHS") || l.startsWith("== ")).forEach(System.out::println);
        System.out.printf("LinuxInitiatorMultipathIT: %s; %.1f s%n", last, run.seconds());
    }
}
