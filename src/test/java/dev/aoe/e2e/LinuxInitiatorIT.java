package dev.aoe.e2e;

import dev.aoe.testing.AoeVm;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final AoeVm VM = new AoeVm();

    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {1500, 9000})
    void linuxInitiatorFormatsWritesAndVerifies(int mtu, @TempDir Path dir) throws Exception {
        Path disk = AoeVm.sparseFile(dir.resolve("disk.img"), DISK_BYTES);
        String target = targetCommand() + " " + SHELF + " " + SLOT + " " + IFACE + " " + AoeVm.shellQuote(disk.toString());
        AoeVm.Run run = VM.run("mtu " + mtu, mtu + "-", dir, RUN_LIMIT_S, List.of(
                        "--mtu", Integer.toString(mtu),
                        "--iface", IFACE,
                        "--timeout", "180",
                        "--target", target),
                List.of(Integer.toString(SHELF), Integer.toString(SLOT), Integer.toString(GUEST_MIB)));
        System.out.printf("[mtu %d] aoe-vm run: exit %d in %.1f s: %s%n", mtu, run.exit(), run.seconds(), run.verdict());

        run.assertOk();
    }

    private static String targetCommand() {
        String configured = System.getProperty("aoe.e2e.target");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return AoeVm.shellQuote(VM.launcher().toString()) + " serve";
    }
}
