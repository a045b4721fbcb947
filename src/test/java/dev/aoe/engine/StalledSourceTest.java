package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.Privileges;
import dev.aoe.testing.Shell;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One export's source stalls (its file system frozen with {@code fsfreeze}, so a write to it
 * waits until the file system thaws) while another export on the same interface keeps serving
 * at its own pace: the stalled export holds only its own I/O threads.
 */
class StalledSourceTest {
    private static final int WRITES = 300;

    @TempDir
    Path dir;
    private EngineFixture fx;
    private Path mountPoint;
    private boolean frozen;

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (frozen) {
                Shell.run("fsfreeze", "--unfreeze", mountPoint.toString());
            }
            if (fx != null) {
                fx.close();
            }
        } finally {
            if (mountPoint != null) {
                Shell.run("umount", mountPoint.toString());
            }
        }
    }

    @Test
    void aStalledSourceDoesNotSlowAnotherExportOnTheSameInterface() throws Exception {
        assumeTrue(Privileges.isRoot(), "needs root to mount and freeze a file system");
        assumeTrue(Privileges.hasCommand("fsfreeze") && Privileges.hasCommand("mkfs.ext4"),
                "needs fsfreeze (util-linux) and mkfs.ext4 (e2fsprogs)");
        fx = EngineFixture.create(dir, 1500);
        Path image = fx.disk("slow-fs.img", 32 << 20);
        Shell.run("mkfs.ext4", "-q", "-F", image.toString());
        Path mount = Files.createDirectories(dir.resolve("slow-fs"));
        Shell.run("mount", "-o", "loop", image.toString(), mount.toString());
        mountPoint = mount;

        Path source = mount.resolve("stalled.img");
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        fx.add(fx.spec(1, 1, StoreSpec.of(source)));
        TargetInfo stalled = fx.find(1, 1);
        TargetInfo healthy = fx.serve(1, 2, 1 << 20);
        byte[] sectors = EngineFixture.random(5, 1024);
        long baseline = timeWrites(healthy, sectors);

        Shell.run("fsfreeze", "--freeze", mount.toString());
        frozen = true;
        RawSocket raw = fx.rawB();
        ByteBuffer request = EngineFixture.frame();
        int length = EngineFixture.ata(request, stalled.mac(), MacAddress.of(raw.mac()), 1, 1,
                AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 2, Ata.WRITE_SECTORS_EXT, 0, 0x5EED) + 1024;
        raw.send(request, length);
        long during = timeWrites(healthy, sectors);
        assertEquals(0, replyTo(raw, 0x5EED, Duration.ofMillis(200)), "the frozen export cannot have answered");

        Shell.run("fsfreeze", "--unfreeze", mount.toString());
        frozen = false;
        assertTrue(replyTo(raw, 0x5EED, Duration.ofSeconds(10)) > 0, "the stalled write completes once thawed");
        System.out.printf("stalled source: e1.1's write waited on a frozen file system; e1.2 meanwhile: %d durable"
                + " writes in %d ms (%d ms with e1.1 idle)%n", WRITES, during / 1_000_000, baseline / 1_000_000);
        // Generous for a shared 2-CPU machine: a stall that blocked e1.2 would not end before the thaw.
        assertTrue(during < 5 * baseline + 2_000_000_000L,
                "e1.2 slowed from " + baseline / 1_000_000 + " ms to " + during / 1_000_000 + " ms");
    }

    private long timeWrites(TargetInfo t, byte[] data) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < WRITES; i++) {
            fx.write(t, 2L * (i % 512), data);
        }
        return System.nanoTime() - start;
    }

    /** Length of the reply carrying {@code tag}, or 0 if none came within {@code wait}. */
    private static int replyTo(RawSocket raw, int tag, Duration wait) throws Exception {
        ByteBuffer rx = EngineFixture.frame();
        raw.setReceiveTimeout(Duration.ofMillis(20));
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            int n = raw.receive(rx);
            if (n > 0 && AoeHeader.isResponse(rx) && AoeHeader.tag(rx) == tag) {
                return n;
            }
        }
        return 0;
    }
}
