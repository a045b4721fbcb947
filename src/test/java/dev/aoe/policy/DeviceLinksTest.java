package dev.aoe.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.store.FileStore;
import dev.aoe.store.SourceRule;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.Stores;
import dev.aoe.testing.LoopDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device root as {@code /dev/disk/by-id} is: a directory of links to block devices elsewhere in
 * {@code /dev}. The admin allows the names; what a name resolves to must be a block device not in
 * use. Each allowed name is then opened as the engine does ({@link SourceRule#device()}). On loop
 * devices; skips, saying why, without root, losetup or mkfs.ext4.
 */
class DeviceLinksTest {
    private static final long DEVICE_BYTES = 8L << 20;

    @RegisterExtension
    final LoopDevices loops = new LoopDevices("mkfs.ext4", "mount");
    @TempDir
    Path tmp;
    private Path byId;
    private PathPolicy policy;

    @BeforeEach
    void setUp() throws IOException {
        byId = Files.createDirectories(tmp.resolve("dev/disk/by-id"));
        policy = new PathPolicy(List.of(tmp.resolve("var/lib/aoe").toString()), List.of(byId.toString()));
    }

    @Test
    void aLinkToAFreeDeviceIsAllowedAndServed() throws IOException {
        Path device = loops.attach("free.img", DEVICE_BYTES);
        Path name = Files.createSymbolicLink(byId.resolve("ata-FREE_DISK_0001"), device);
        assertEquals(Optional.empty(), policy.checkOnNode(name, true), "resolves to " + device + ", outside the root by design");
        try (FileStore store = Stores.open(StoreSpec.of(name).withRule(SourceRule.device()))) {
            assertEquals(DEVICE_BYTES / FileStore.SECTOR_SIZE, store.sectors());
        }
    }

    @Test
    void aLinkToAMountedDeviceIsRefusedWithTheMount() throws IOException {
        Path device = loops.attach("mounted.img", DEVICE_BYTES);
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        loops.mountExt4(device, mnt);
        Path name = Files.createSymbolicLink(byId.resolve("ata-MOUNTED_DISK"), device);
        String refusal = policy.checkOnNode(name, true).orElseThrow();
        assertTrue(refusal.startsWith(name + " (" + device + ") is in use on the node: it ("), refusal);
        assertTrue(refusal.contains(" mounted at " + mnt + " (ext4 from " + device + ")"), refusal);
        assertTrue(refusal.endsWith("; a device that is mounted, swap or held cannot be exported"), refusal);
    }

    @Test
    void aNameMustResolveToABlockDevice() throws IOException {
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("etc")).resolve("shadow"), "root:x\n");
        Path toFile = Files.createSymbolicLink(byId.resolve("ata-FILE"), outside);
        assertEquals(Optional.of(toFile + " (resolves to " + outside + ") is not a block device"), policy.checkOnNode(toFile, true));
        Path dangling = Files.createSymbolicLink(byId.resolve("ata-GONE"), tmp.resolve("dev/sdz"));
        assertEquals(Optional.of(dangling + " (resolves to " + tmp.resolve("dev/sdz") + ") does not exist"),
                policy.checkOnNode(dangling, true));
        assertTrue(policy.checkOnNode(Path.of(byId + "/../../../etc/shadow"), true).orElseThrow().contains("must not contain"),
                "the name itself is checked as written");
    }

    /**
     * A directory under the root that is a link leads out of it, like a by-id link does: the rule
     * is the same (what it resolves to must be a free block device), so it gains nothing.
     */
    @Test
    void aNameThroughALinkedDirectoryMeetsTheSameRule() throws IOException {
        Path device = loops.attach("via-dir.img", DEVICE_BYTES);
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("shadow"), "root:x\n");
        Files.createSymbolicLink(byId.resolve("to-etc"), etc);
        Files.createSymbolicLink(byId.resolve("to-dev"), device.getParent());
        Path throughEtc = byId.resolve("to-etc/shadow");
        assertEquals(Optional.of(throughEtc + " (resolves to " + etc.resolve("shadow") + ") is not a block device"),
                policy.checkOnNode(throughEtc, true));
        assertEquals(Optional.empty(), policy.checkOnNode(byId.resolve("to-dev").resolve(device.getFileName()), true));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        loops.mountExt4(device, mnt);
        assertTrue(policy.checkOnNode(byId.resolve("to-dev").resolve(device.getFileName()), true).orElseThrow()
                .contains("mounted at " + mnt), "mounted: refused by any name");
    }
}
