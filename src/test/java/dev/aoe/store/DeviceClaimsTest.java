package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.LoopDevices;
import dev.aoe.testing.Shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block devices are opened exclusively ({@code O_EXCL}) and held so while served: what the kernel
 * then refuses, in this mount namespace and in another one the engine cannot see. On loop devices;
 * skips, saying why, without root, losetup, mkfs.ext4 or unshare.
 */
class DeviceClaimsTest {
    private static final long DEVICE_BYTES = 8L << 20;

    @RegisterExtension
    final LoopDevices loops = new LoopDevices("mkfs.ext4", "mount");
    @TempDir
    Path dir;
    private Path mnt;

    @BeforeEach
    void setUp() throws IOException {
        mnt = Files.createDirectories(dir.resolve("mnt"));
    }

    @Test
    void aServedDeviceCannotBeMountedUntilTheStoreIsClosed() throws IOException {
        Path device = loops.attach("disk.img", DEVICE_BYTES);
        Shell.run("mkfs.ext4", "-q", "-F", device.toString());
        try (FileStore store = Stores.open(StoreSpec.of(device).withReadOnly(true))) {
            IOException mount = assertThrows(IOException.class, () -> Shell.run("mount", device.toString(), mnt.toString()));
            assertTrue(mount.getMessage().contains("exited 32"), "mount fails (EBUSY): " + mount.getMessage());
            assertTrue(mount.getMessage().contains("already mounted or mount point busy"), mount.getMessage());
        }
        Shell.run("mount", device.toString(), mnt.toString());
        Shell.run("umount", mnt.toString());
    }

    @Test
    void aMountedDeviceIsRefusedAsInUse() throws IOException {
        Path device = loops.attach("mounted.img", DEVICE_BYTES);
        loops.mountExt4(device, mnt);
        for (boolean readOnly : new boolean[] {true, false}) {
            SourceNotAllowedException e = assertThrows(SourceNotAllowedException.class,
                    () -> Stores.open(StoreSpec.of(device).withReadOnly(readOnly)));
            assertTrue(e.getMessage().startsWith(device + " is in use: the kernel refused to open it exclusively (EBUSY)"),
                    e.getMessage());
        }
    }

    /**
     * What a pod sees of a disk mounted on the host: the mount is in another mount namespace, so
     * this process's mount table does not show it. The kernel's exclusive open still refuses it.
     */
    @Test
    void aDeviceMountedInAnotherMountNamespaceIsRefused() throws Exception {
        LoopDevices.assumeAvailable("unshare");
        Path device = loops.attach("elsewhere.img", DEVICE_BYTES);
        Shell.run("mkfs.ext4", "-q", "-F", device.toString());
        Process other = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount " + device + " " + mnt + " && echo mounted && exec sleep 60").redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("mounted", line, "the other namespace mounted the device");
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(mnt.toString()),
                    "this namespace's mount table does not show the mount");

            SourceNotAllowedException e = assertThrows(SourceNotAllowedException.class,
                    () -> Stores.open(StoreSpec.of(device).withRule(SourceRule.device())));
            assertTrue(e.getMessage().contains("is in use: the kernel refused to open it exclusively (EBUSY)"), e.getMessage());
        } finally {
            other.destroy(); // the namespace, and its mount, go with its last process
            assertTrue(other.waitFor(10, TimeUnit.SECONDS), "unshare (pid " + other.pid() + ") stopped");
        }
        try (FileStore store = Stores.open(StoreSpec.of(device))) {
            assertEquals(DEVICE_BYTES / BlockStore.SECTOR_SIZE, store.sectors(), "free again once the namespace is gone");
        }
    }

    /** The operator lets read-only exports share a source; they share the claim, and it outlives the first. */
    @Test
    void readOnlyExportsOfOneDeviceShareItsClaim() throws IOException {
        Path device = loops.attach("shared.img", DEVICE_BYTES);
        Path link = Files.createSymbolicLink(dir.resolve("by-id-link"), device);
        FileStore first = Stores.open(StoreSpec.of(device).withReadOnly(true));
        try (FileStore second = Stores.open(StoreSpec.of(link).withReadOnly(true))) {
            first.close();
            assertThrows(IOException.class, () -> Shell.run("mount", device.toString(), mnt.toString()),
                    "the claim is held while one reader remains");
        } finally {
            first.close();
        }
        try (FileStore writable = Stores.open(StoreSpec.of(device))) {
            assertFalse(writable.readOnly(), "released with the last reader");
        }
    }

    /** One writer per device, whatever name it is reached by (the operator compares names only). */
    @Test
    void aWritableExportSharesItsDeviceWithNoOtherExport() throws IOException {
        Path device = loops.attach("single.img", DEVICE_BYTES);
        Path link = Files.createSymbolicLink(dir.resolve("other-name"), device);
        String shared = " is already served by this engine through another export;"
                + " exports may share a device only when every one of them is read-only";
        try (FileStore writer = Stores.open(StoreSpec.of(device))) {
            assertEquals(link + shared, assertThrows(SourceNotAllowedException.class,
                    () -> Stores.open(StoreSpec.of(link))).getMessage());
            assertEquals(link + shared, assertThrows(SourceNotAllowedException.class,
                    () -> Stores.open(StoreSpec.of(link).withReadOnly(true))).getMessage());
        }
        try (FileStore reader = Stores.open(StoreSpec.of(device).withReadOnly(true))) {
            assertEquals(device + shared, assertThrows(SourceNotAllowedException.class,
                    () -> Stores.open(StoreSpec.of(device))).getMessage());
        }
    }
}
