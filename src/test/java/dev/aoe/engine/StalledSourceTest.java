package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.responder.StateFile;
import dev.aoe.responder.TargetCounts;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.WriteCache;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.Privileges;
import dev.aoe.testing.Shell;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One export's source stalls (its file system frozen with {@code fsfreeze}, so a write to it
 * waits until the file system thaws) while another export on the same interface keeps serving
 * at its own pace: the stalled export holds only its own I/O threads. The same for writes
 * acknowledged from the page cache, and for edits of the state that is saved on disk.
 */
class StalledSourceTest {
    private static final int WRITES = 300;
    /** More writes than a stalled export can hold (its queue, and a batch on each of its I/O threads). */
    private static final int BURST = 400;

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
        stalledWriteLeavesTheOtherExportAtItsPace(WriteCache.OFF);
    }

    /** Write-back exports sharing an interface: their writes keep the hand-off to I/O threads. */
    @Test
    void aStalledWriteBackSourceDoesNotSlowAnotherExportOnTheSameInterface() throws Exception {
        stalledWriteLeavesTheOtherExportAtItsPace(WriteCache.WRITE_BACK);
    }

    private void stalledWriteLeavesTheOtherExportAtItsPace(WriteCache cache) throws Exception {
        Export stalledExport = serveFreezable("stalled.img", cache);
        TargetInfo stalled = fx.find(1, 1);
        TargetInfo healthy = fx.serve(1, 2, 1 << 20);
        byte[] sectors = EngineFixture.random(5, 1024);
        long baseline = timeWrites(healthy, sectors);

        freeze();
        RawSocket raw = fx.rawB();
        sendWrite(raw, stalled, 0x5EED);
        long during = timeWrites(healthy, sectors);
        assertEquals(0, replyTo(raw, 0x5EED, Duration.ofMillis(200)), "the frozen export cannot have answered");

        // What the stalled export cannot hold is dropped and counted; the other export still answers.
        for (int i = 0; i < BURST; i++) {
            sendWrite(raw, stalled, 0x6000 + i);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (queueFull(stalledExport) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(queueFull(stalledExport) > 0, "requests beyond the stalled export's queue are counted as queue_full");
        fx.write(healthy, 0, sectors);

        thaw();
        assertTrue(replyTo(raw, 0x5EED, Duration.ofSeconds(10)) > 0, "the stalled write completes once thawed");
        System.out.printf("stalled source (%s): e1.1's write waited on a frozen file system; e1.2 meanwhile: %d"
                + " durable writes in %d ms (%d ms with e1.1 idle)%n", cache, WRITES, during / 1_000_000,
                baseline / 1_000_000);
        assertKeptItsPace(baseline, during);
    }

    /**
     * Mask and config edits save the target's state before they are answered; with the state
     * directory frozen, the edited export waits and the other export on the interface does not.
     */
    @Test
    void stateEditsOnAFrozenStateDirectoryDoNotSlowAnotherExportOnTheSameInterface() throws Exception {
        assumeFreezable();
        fx = EngineFixture.create(dir, 1500);
        mountScratchFileSystem(fx.stateDir);
        TargetInfo edited = fx.serve(1, 1, 1 << 20);
        TargetInfo healthy = fx.serve(1, 2, 1 << 20);
        byte[] sectors = EngineFixture.random(5, 1024);
        long baseline = timeWrites(healthy, sectors);

        freeze();
        RawSocket raw = fx.rawB();
        long me = MacAddress.of(raw.mac());
        ByteBuffer mask = EngineFixture.frame();
        AoeHeader.writeRequest(mask, edited.mac(), me, 1, 1, AoeHeader.CMD_MASK, 0x3A5C);
        int maskLength = MaskArg.writeHeader(mask, MaskArg.MCMD_EDIT, 0, 1);
        MaskArg.putDirective(mask, 0, MaskArg.DCMD_ADD, me);
        raw.send(mask, maskLength + MaskArg.DIRECTIVE_LENGTH);
        ByteBuffer config = EngineFixture.frame();
        AoeHeader.writeRequest(config, edited.mac(), me, 1, 1, AoeHeader.CMD_CONFIG, 0xC0F1);
        raw.send(config, ConfigArg.writeRequest(config, ConfigArg.CCMD_FORCE_SET, new byte[] {'x'}));
        long during = timeWrites(healthy, sectors);
        assertEquals(0, replyTo(raw, 0x3A5C, Duration.ofMillis(200)), "the edit cannot be saved while frozen");

        thaw();
        assertTrue(replyTo(raw, 0x3A5C, Duration.ofSeconds(10)) > 0, "the edit is answered once thawed");
        System.out.printf("frozen state directory: e1.1's mask and config edits waited; e1.2 meanwhile: %d durable"
                + " writes in %d ms (%d ms before)%n", WRITES, during / 1_000_000, baseline / 1_000_000);
        assertKeptItsPace(baseline, during);
        StateFile.Saved saved = StateFile.of(fx.stateDir, 1, 1).load();
        assertArrayEquals(new long[] {me}, saved.mask(), "the edit was saved once thawed");
    }

    /**
     * An export alone on its interface writes to the page cache on the receive thread; a write
     * that waited for a frozen file system sends its next writes to the I/O threads for a while.
     */
    @Test
    void aSlowWriteOnTheReceiveThreadSendsTheNextWritesToTheIoThreads() throws Exception {
        Export export = serveFreezable("alone.img", WriteCache.WRITE_BACK);
        TargetInfo alone = fx.find(1, 1);
        byte[] sectors = EngineFixture.random(5, 1024);
        fx.write(alone, 0, sectors);
        assertEquals(0, ioThreadWrites(export), "alone on its port: written on the receive thread");

        freeze();
        RawSocket raw = fx.rawB();
        sendWrite(raw, alone, 0x5EED);
        assertEquals(0, replyTo(raw, 0x5EED, Duration.ofMillis(200)), "the write waits for the thaw");
        thaw();
        assertTrue(replyTo(raw, 0x5EED, Duration.ofSeconds(10)) > 0, "the write completes once thawed");
        assertEquals(1, export.slowInlineWrites());

        fx.write(alone, 2, sectors);
        assertEquals(1, ioThreadWrites(export), "after a slow write, writes go to the I/O threads for a while");
    }

    /** Writes answered by the export's I/O threads: every counter block but the receive thread's. */
    private static long ioThreadWrites(Export export) {
        List<TargetCounts> blocks = export.counts();
        return TargetCounts.requests(blocks.subList(1, blocks.size()), TargetCounts.Op.WRITE);
    }

    private static void assumeFreezable() {
        assumeTrue(Privileges.isRoot(), "needs root to mount and freeze a file system");
        assumeTrue(Privileges.hasCommand("fsfreeze") && Privileges.hasCommand("mkfs.ext4"),
                "needs fsfreeze (util-linux) and mkfs.ext4 (e2fsprogs)");
    }

    /** Mounts a fresh 32 MiB ext4 file system at {@code at}, unmounted after the test. */
    private Path mountScratchFileSystem(Path at) throws Exception {
        Path image = fx.disk("scratch-fs.img", 32 << 20);
        Shell.run("mkfs.ext4", "-q", "-F", image.toString());
        Files.createDirectories(at);
        Shell.run("mount", "-o", "loop", image.toString(), at.toString());
        mountPoint = at;
        return at;
    }

    private void freeze() throws Exception {
        Shell.run("fsfreeze", "--freeze", mountPoint.toString());
        frozen = true;
    }

    private void thaw() throws Exception {
        Shell.run("fsfreeze", "--unfreeze", mountPoint.toString());
        frozen = false;
    }

    /** Generous for a shared 2-CPU machine: a stall that blocked e1.2 would not end before the thaw. */
    private static void assertKeptItsPace(long baseline, long during) {
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
    /**
     * Starts the engine and serves, as e1.1, a 1 MiB file on the scratch file system that {@link
     * #freeze()} stalls.
     */
    private Export serveFreezable(String file, WriteCache cache) throws Exception {
        assumeFreezable();
        fx = EngineFixture.create(dir, 1500);
        List<Export> served = servedExports();
        Path source = mountScratchFileSystem(dir.resolve("slow-fs")).resolve(file);
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        fx.add(fx.spec(1, 1, StoreSpec.of(source).withWriteCache(cache)));
        return served.get(0);
    }

    /** The exports the engine serves from now on, in the order they are served. */
    private List<Export> servedExports() {
        List<Export> served = new CopyOnWriteArrayList<>();
        fx.engine().listen(new EngineListener() {
            @Override
            public void served(ExportCounters export, List<? extends PortCounters> ports) {
                served.add((Export) export);
            }

            @Override
            public void stopped(ExportCounters export, List<? extends PortCounters> ports) {
            }
        });
        return served;
    }

    private static long queueFull(Export export) {
        return TargetCounts.ignored(export.counts(), TargetCounts.Ignored.QUEUE_FULL);
    }

    /** Sends a two-sector write at LBA 0 of e1.1 at {@code target}, tagged {@code tag}, without waiting. */
    private static void sendWrite(RawSocket raw, TargetInfo target, int tag) throws Exception {
        ByteBuffer request = EngineFixture.frame();
        int length = EngineFixture.ata(request, target.mac(), MacAddress.of(raw.mac()), 1, 1,
                AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 2, Ata.WRITE_SECTORS_EXT, 0, tag) + 1024;
        raw.send(request, length);
    }

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
