package dev.aoe.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.AoeVm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final AoeVm VM = new AoeVm();

    @Test
    void mountedFileSystemSurvivesATargetRestart(@TempDir Path dir) throws Exception {
        Path disk = AoeVm.sparseFile(dir.resolve("disk.img"), DISK_BYTES);
        AoeVm.Run run = VM.run("restart", "r", dir, RUN_LIMIT_S, List.of(
                        "--mtu", "1500",
                        "--iface", IFACE,
                        "--timeout", "120",
                        "--script", VM.guestScript("restart.sh").toString(),
                        "--restart-target-on", RESTART_LINE,
                        "--target", VM.serveCommand("--state-dir " + AoeVm.shellQuote(dir.resolve("state").toString())
                                + " --probe-ms 100 " + SHELF + " " + SLOT + " " + IFACE + " "
                                + AoeVm.shellQuote(disk.toString()))),
                List.of(Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(GUEST_MIB)));

        run.assertOk();
        String last = run.verdict();
        String targetLog = run.targetLog();
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
                + " serve (e0.1 on %s both times): %s; %.1f s%n", macs.get(0), last, run.seconds());
    }
}
