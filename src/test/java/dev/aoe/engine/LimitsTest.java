package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.Ip;
import dev.aoe.net.NetException;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine at the edges of its environment: a full file system, a source truncated or deleted
 * under it, its interface going down and up, frames larger than the MTU or than its buffers, and
 * a second target serving the same shelf.slot. Each case ends with a clear status or log line,
 * no crash, and the other exports still serving.
 */
class LimitsTest {
    private static final int SHELF = 3;
    private static final Logger AOE_LOGGER = Logger.getLogger("dev.aoe");

    @TempDir
    Path dir;
    private final List<LogRecord> logs = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logs.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private int tag = 0x8000_0700;

    @BeforeEach
    void captureLogs() {
        AOE_LOGGER.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        AOE_LOGGER.removeHandler(capture);
        List<String> lines = messages(Level.WARNING);
        if (!lines.isEmpty()) {
            System.out.println("limits: logged " + lines);
        }
    }

    @Test
    void aFullFileSystemFailsWritesWithAbortAndKeepsServingReads() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            mountTmpfs(small, "1M");
            try {
                Path disk = small.resolve("big.img");
                try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                    f.setLength(8L << 20); // sparse: 8 MiB on a 1 MiB file system
                }
                fx.add(fx.spec(SHELF, 1, StoreSpec.of(disk)));
                TargetInfo t = fx.find(SHELF, 1);
                TargetInfo other = fx.serve(SHELF, 2, 1 << 20);
                RawSocket raw = fx.rawB();
                long me = MacAddress.of(raw.mac());
                long engine = fx.engineMac();
                ByteBuffer f = EngineFixture.frame();
                long lba = 0;
                int status = Ata.STATUS_OK;
                int n = 0;
                for (; lba < 4096 && status == Ata.STATUS_OK; lba += 2) {
                    EngineFixture.ata(f, engine, me, SHELF, 1, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 2,
                            Ata.WRITE_SECTORS_EXT, lba, ++tag);
                    for (int i = AtaArg.DATA; i < AtaArg.DATA + 1024; i++) {
                        f.put(i, (byte) (i + lba));
                    }
                    n = EngineFixture.rawExchange(raw, f, AtaArg.DATA + 1024, REPLY);
                    assertTrue(n > 0, "the write at LBA " + lba + " got an answer");
                    assertFalse(AoeHeader.isError(f), "a full disk is an ATA failure, not an AoE error");
                    status = AtaArg.status(f);
                }
                long failedAt = lba - 2;
                EngineFixture.assertAtaReply(f, n, Ata.STATUS_FAILED, Ata.ERROR_ABRT);
                assertTrue(failedAt > 0 && failedAt <= 2048, "the file system filled up at LBA " + failedAt);
                // Reads still work, of written and never-written sectors alike. (The initiator shares
                // the raw socket's MAC, so its queue overflowed with those replies: it retransmits.)
                byte[] first = fx.read(t, 0, 1024);
                for (int i = 0; i < 1024; i++) {
                    assertEquals((byte) (i + AtaArg.DATA), first[i], "byte " + i + " of LBA 0");
                }
                assertArrayEquals(new byte[1024], fx.read(t, 8000, 1024));
                fx.assertWriteReadBack(other, 0, 64 * 1024, 1);
                assertEquals(2, fx.engine().status().size());
                System.out.println("limits: full disk: writes below LBA " + failedAt + " of an 8 MiB sparse export on"
                        + " a 1 MiB tmpfs succeeded, the write at LBA " + failedAt + " got ATA status 0x41 error 0x04 (ABRT, no AoE error);"
                        + " reads and the other export kept serving");
            } finally {
                fx.engine().close();
                new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
            }
        }
    }

    /**
     * A state change that cannot be saved (the state directory's file system is full) fails
     * without a reply and is logged; the engine keeps serving, and the failed request's frame
     * goes back to the pool exactly once.
     */
    @Test
    void aStateDirectoryOnAFullFileSystemFailsTheEditAndKeepsServing() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state-small"));
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            mountTmpfs(state, "64k");
            try {
                Engine engine = fx.closeLater(new Engine(state, EngineFixture.HOST, Duration.ZERO));
                ExportSpec spec = fx.spec(SHELF, 1, StoreSpec.of(fx.disk("e.img", 1 << 20)));
                fx.pair.inA(() -> engine.add(spec));
                Path filler = state.resolve("filler");
                try (var out = Files.newOutputStream(filler)) {
                    byte[] block = new byte[4096];
                    for (int i = 0; i < 64; i++) {
                        out.write(block);
                    }
                } catch (IOException full) {
                    // ENOSPC: the file system is full, as wanted
                }
                long me = fx.initiatorMac;
                long mac = fx.engineMac();
                ByteBuffer f = EngineFixture.frame();
                AoeHeader.writeRequest(f, mac, me, SHELF, 1, AoeHeader.CMD_RESERVE, ++tag);
                int n = AoeHeader.pad(f, ReserveArg.write(f, ReserveArg.RCMD_FORCE_SET,
                        new long[] {me}, 1));
                assertEquals(0, fx.initiator.exchange(f, n, SILENCE), "an edit that cannot be saved is not acknowledged");
                assertTrue(messages(Level.WARNING).stream().anyMatch(l -> l.contains("cannot save target state")),
                        "logged: " + messages(Level.WARNING));
                for (int i = 0; i < 20; i++) { // keep the I/O threads busy with frames of their own
                    fx.assertWriteReadBack(fx.find(SHELF, 1), i * 8, 4096, 20 + i);
                }
                AoeHeader.writeRequest(f, mac, me, SHELF, 1, AoeHeader.CMD_RESERVE, ++tag);
                n = AoeHeader.pad(f, ReserveArg.write(f, ReserveArg.RCMD_READ,
                        new long[0], 0));
                assertTrue(fx.initiator.exchange(f, n, REPLY) > 0, "reserve Read answered");
                assertEquals(0, ReserveArg.macCount(f), "the unsaved reservation was not made");
                Thread.sleep(300);
                assertPoolHoldsEachFrameOnce(engine);
                Files.delete(filler);
                AoeHeader.writeRequest(f, mac, me, SHELF, 1, AoeHeader.CMD_RESERVE, ++tag);
                n = AoeHeader.pad(f, ReserveArg.write(f, ReserveArg.RCMD_FORCE_SET,
                        new long[0], 0));
                assertTrue(fx.initiator.exchange(f, n, REPLY) > 0, "with room again, edits are saved");
                System.out.println("limits: state directory on a full 64 KiB tmpfs: a reserve edit got no reply and"
                        + " logged \"cannot save target state\", the reservation was not made, I/O kept serving,"
                        + " every frame returned to the pool once; with room again edits work");
                engine.close();
            } finally {
                new ProcessBuilder("umount", state.toString()).inheritIO().start().waitFor();
            }
        }
    }

    /** The port's free frames hold no frame twice (a frame released twice serves two requests). */
    private static void assertPoolHoldsEachFrameOnce(Engine engine) throws Exception {
        Field portsField = Engine.class.getDeclaredField("ports");
        portsField.setAccessible(true);
        Field poolField = Port.class.getDeclaredField("pool");
        poolField.setAccessible(true);
        Field freeField = FramePool.class.getDeclaredField("free");
        freeField.setAccessible(true);
        for (Object port : ((Map<?, ?>) portsField.get(engine)).values()) {
            Object[] free = ((Collection<?>) freeField.get(poolField.get(port))).toArray();
            Set<Object> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            distinct.addAll(Arrays.asList(free));
            assertEquals(free.length, distinct.size(), "frames in the pool twice");
        }
    }

    private static void mountTmpfs(Path at, String size) throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "aoe-limits", at.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, mount.waitFor(), new String(mount.getInputStream().readAllBytes()));
    }

    @Test
    void aSourceTruncatedOrDeletedUnderTheExportGivesAbortPastItsEnd() throws Exception {
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            TargetInfo t = fx.serve(SHELF, 1, 1 << 20);
            TargetInfo other = fx.serve(SHELF, 2, 1 << 20);
            fx.assertWriteReadBack(t, 0, 4096, 2);
            Path disk = dir.resolve("e" + SHELF + ".1.img");
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength(256 * 1024); // 512 of the export's 2048 sectors remain
            }
            RawSocket raw = fx.rawB();
            ByteBuffer f = EngineFixture.frame();
            EngineFixture.ata(f, fx.engineMac(), MacAddress.of(raw.mac()), SHELF, 1, AtaArg.AFLAG_EXTENDED, 1,
                    Ata.READ_SECTORS_EXT, 1500, ++tag);
            int n = EngineFixture.rawExchange(raw, f, AtaArg.DATA, REPLY);
            assertTrue(n > 0, "a read past the truncated end is answered");
            EngineFixture.assertAtaReply(f, n, Ata.STATUS_FAILED, Ata.ERROR_ABRT);
            fx.assertWriteReadBack(t, 10, 4096, 3);
            List<String> warnings = messages(Level.WARNING);
            assertTrue(warnings.stream().anyMatch(m -> m.contains("e" + SHELF + ".1: READ at LBA 1500 (1 sectors)"
                    + " failed: ") && m.endsWith("; answered ATA ABRT")), warnings.toString());
            assertEquals(ExportStatus.SERVING, fx.engine().status(SHELF, 1).reason());

            Files.delete(disk);
            // The export holds the open file: it keeps serving the unlinked inode, as vblade does.
            fx.assertWriteReadBack(t, 20, 4096, 4);
            fx.assertWriteReadBack(other, 0, 4096, 5);
            List<ExportStatus> status = fx.engine().status();
            assertEquals(2, status.size());
            assertTrue(status.stream().allMatch(ExportStatus::serving));
            ExportStatus deleted = fx.engine().status(SHELF, 1);
            assertEquals(ExportStatus.SOURCE_DELETED, deleted.reason());
            assertEquals("the file " + disk + " was deleted or replaced while served; initiators still see the old"
                    + " data until the export is re-created", deleted.message());
            assertEquals(ExportStatus.SERVING, fx.engine().status(SHELF, 2).reason(), "the other export is fine");
            long logged = messages(Level.WARNING).stream().filter(m -> m.contains("was deleted or replaced")).count();
            assertEquals(1, logged, "the deleted source is logged once, however often status is asked");
            System.out.println("limits: source truncated to 512 of 2048 sectors: a read at LBA 1500 got ATA 0x41/0x04"
                    + " (ABRT) and a WARNING, reads and writes before the end kept working; source deleted: the export"
                    + " serves the unlinked file (status " + deleted.reason() + "), the other export kept serving");
        }
    }

    @Test
    void theEngineServesAgainAfterItsInterfaceGoesDownAndUp() throws Exception {
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            TargetInfo t = fx.serve(SHELF, 1, 1 << 20);
            fx.assertWriteReadBack(t, 0, 4096, 6);
            String ns = fx.pair.namespaceA();
            for (int round = 0; round < 2; round++) {
                Ip.run("-n", ns, "link", "set", "dev", fx.pair.interfaceA(), "down");
                assertThrows(IOException.class, () -> fx.initiator.find(SHELF, 1, SILENCE));
                Ip.run("-n", ns, "link", "set", "dev", fx.pair.interfaceA(), "up");
                awaitCarrier(fx);
                TargetInfo again = fx.find(SHELF, 1);
                fx.assertWriteReadBack(again, 8, 4096, 7 + round);
            }
            // The peer going down and up (a carrier loss on the engine's side) is survived too.
            fx.pair.setUpB(false);
            fx.pair.setUpB(true);
            awaitCarrier(fx);
            // The initiator's own socket on end B reports the down (ENETDOWN) once: it retries.
            TargetInfo back = null;
            for (int attempt = 0; attempt < 3 && back == null; attempt++) {
                try {
                    back = fx.find(SHELF, 1);
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(back != null, "e" + SHELF + ".1 answers after end B went down and up");
            fx.assertWriteReadBack(back, 16, 4096, 9);
            List<String> lines = messages(Level.WARNING);
            System.out.println("limits: interface down and up twice, then a carrier loss: discovery and verified"
                    + " writes work after each; log: " + lines);
        }
    }

    @Test
    void framesLargerThanTheMtuOrTheBuffersAreDroppedOrRefused() throws Exception {
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            TargetInfo t = fx.serve(SHELF, 1, 1 << 20);
            RawSocket raw = fx.rawB();
            long me = MacAddress.of(raw.mac());
            long engine = fx.engineMac();
            // A 9000-byte frame onto a link whose engine end has MTU 1500: the kernel drops it.
            Ip.run("-n", fx.pair.namespaceB(), "link", "set", "dev", fx.pair.interfaceB(), "mtu", "9000");
            ByteBuffer f = ByteBuffer.allocateDirect(16 * 1024);
            EngineFixture.ata(f, engine, me, SHELF, 1, 0, 1, Ata.IDENTIFY_DEVICE, 0, ++tag);
            assertEquals(0, sendTooLarge(raw, f, 9000), "a frame above the MTU arrives");
            EngineFixture.ata(f, engine, me, SHELF, 1, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 17,
                    Ata.WRITE_SECTORS_EXT, 0, ++tag);
            assertEquals(0, sendTooLarge(raw, f, AtaArg.DATA + 17 * 512));
            fx.assertWriteReadBack(t, 0, 64 * 1024, 10);

            // MTU 9500 on both ends: frames longer than the engine's 9216-byte buffers arrive cut.
            fx.pair.setMtuA(9500);
            Ip.run("-n", fx.pair.namespaceB(), "link", "set", "dev", fx.pair.interfaceB(), "mtu", "9500");
            TargetInfo jumbo = fx.find(SHELF, 1);
            assertEquals(17, jumbo.sectorsPerFrame(), "advertised: what the buffers hold, not (9500 - 36) / 512");
            EngineFixture.ata(f, engine, me, SHELF, 1, 0, 1, Ata.IDENTIFY_DEVICE, 0, ++tag);
            int n = EngineFixture.rawExchange(raw, f, 9514, REPLY);
            assertEquals(AtaArg.DATA + 512, n, "IDENTIFY padded beyond the buffer is answered");
            EngineFixture.ata(f, engine, me, SHELF, 1, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 18,
                    Ata.WRITE_SECTORS_EXT, 0, ++tag);
            n = EngineFixture.rawExchange(raw, f, AtaArg.DATA + 18 * 512, REPLY);
            assertTrue(n > 0 && AoeHeader.isError(f) && AoeHeader.error(f) == AoeHeader.ERR_BAD_ARGUMENT,
                    "18 sectors, beyond the buffer: AoE error 2");
            fx.assertWriteReadBack(jumbo, 0, 17 * 512 * 4, 11);
            System.out.println("limits: 9000-byte frames onto an MTU-1500 end were dropped by the kernel (silence);"
                    + " at MTU 9500 the engine advertised 17 sectors, answered a 9514-byte IDENTIFY, refused 18"
                    + " sectors with AoE error 2, and kept serving verified jumbo writes");
        }
    }

    /**
     * Two targets with one shelf.slot on one link: the address probe at start catches it; with
     * the probe off, nothing notices afterwards and initiators see two paths to "one" disk.
     */
    @Test
    void aShelfSlotServedTwiceIsRefusedAtStartAndOnlyVisibleInDiscoveryWithoutTheProbe() throws Exception {
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            fx.serve(SHELF, 1, 1 << 20);
            ExportSpec twin = new ExportSpec(SHELF, 1, fx.pair.interfaceB(), StoreSpec.of(fx.disk("twin.img", 1 << 20)),
                    EngineFixture.BUFFER_COUNT, new long[0], new byte[0]);
            Engine probing = fx.closeLater(new Engine(null, "twin", EngineFixture.PROBE));
            EngineException refused = assertThrows(EngineException.class, () -> fx.pair.inB(() -> probing.add(twin)));
            assertTrue(refused.getMessage().contains("already served"), refused.getMessage());

            logs.clear();
            Engine blind = fx.closeLater(new Engine(null, "twin", Duration.ZERO));
            fx.pair.inB(() -> blind.add(twin));
            List<TargetInfo> seen = fx.initiator.discover(SILENCE).stream()
                    .filter(t -> t.shelf() == SHELF && t.slot() == 1).collect(Collectors.toList());
            assertEquals(2, seen.size(), "both targets answer: " + seen);
            assertTrue(seen.get(0).mac() != seen.get(1).mac());
            assertEquals(1, fx.engine().status().size(), "the first engine still serves");
            List<String> lines = messages(Level.WARNING);
            System.out.println("limits: e" + SHELF + ".1 twice on one link: with the probe, the second start failed ("
                    + refused.getMessage() + "); without it (known limitation) both serve, discovery sees "
                    + seen.stream().map(t -> MacAddress.format(t.mac())).collect(Collectors.joining(" and "))
                    + ", warnings logged: " + lines.size());
            blind.close();
        }
    }

    /** Sends a frame the receiving end's MTU cannot take: veth drops it (ENOBUFS) or nothing answers. */
    private static int sendTooLarge(RawSocket raw, ByteBuffer f, int length) throws Exception {
        try {
            return EngineFixture.rawExchange(raw, f, length, SILENCE);
        } catch (NetException e) {
            assertEquals(105, e.errno(), "ENOBUFS: " + e.getMessage());
            return 0;
        }
    }

    private List<String> messages(Level atLeast) {
        synchronized (logs) {
            return logs.stream().filter(r -> r.getLevel().intValue() >= atLeast.intValue())
                    .map(r -> r.getLevel() + " " + r.getMessage()
                            + (r.getThrown() == null ? "" : ": " + r.getThrown().getMessage()))
                    .collect(Collectors.toList());
        }
    }

    private static void awaitCarrier(EngineFixture fx) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((!fx.pair.showA().contains("LOWER_UP") || !Ip.run("-o", "-n", fx.pair.namespaceB(), "link", "show",
                "dev", fx.pair.interfaceB()).contains("LOWER_UP")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
