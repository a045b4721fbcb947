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

    @RegisterExtension
    static final AoeVm VM = new AoeVm();

    @Test
    void aMountedExt4GrowsOnlineWithTheServedFile(@TempDir Path dir) throws Exception {
        Path disk = AoeVm.sparseFile(dir.resolve("disk.img"), BEFORE);
        String grow = "truncate -s " + AFTER + " " + AoeVm.shellQuote(disk.toString())
                + " && kill -HUP \"$AOE_VM_TARGET_PID\"";
        AoeVm.Run run = VM.run("grow", "g", dir, RUN_LIMIT_S, List.of(
                        "--mtu", "1500",
                        "--iface", IFACE,
                        "--timeout", "150",
                        "--script", VM.guestScript("grow.sh").toString(),
                        "--hook", GROW_LINE + "=" + grow,
                        "--target", VM.serveCommand("--no-state --probe-ms 100 " + SHELF + " " + SLOT + " " + IFACE
                                + " " + AoeVm.shellQuote(disk.toString()))),
                List.of(Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(MIB_BEFORE),
                        Integer.toString(MIB_AFTER)));

        run.assertOk();
        String last = run.verdict();
        Matcher m = VERDICT.matcher(last);
        assertTrue(m.find(), "no sizes and checksum verdict in: " + last);
        assertEquals(BEFORE, Long.parseLong(m.group(1)), "the size the guest saw first");
        assertEquals(AFTER, Long.parseLong(m.group(2)), "the size the guest saw after aoe-revalidate");
        assertTrue(Long.parseLong(m.group(4)) > Long.parseLong(m.group(3)), "resize2fs grew the file system: " + last);
        assertEquals(MIB_BEFORE + MIB_AFTER, Integer.parseInt(m.group(5)), "every file verified");
        assertTrue(run.targetLog().contains("e0.1 grew from " + BEFORE + " to " + AFTER + " bytes"),
                "serve did not log the grow:\n" + run.targetLog());
        System.out.printf("LinuxInitiatorGrowIT: the Linux initiator grew a mounted ext4 with the served file: %s;"
                + " %.1f s%n", last, run.seconds());
    }
}
