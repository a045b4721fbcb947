package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.AtaException;
import dev.aoe.initiator.Identity;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine serving files over a real veth link to the project's initiator: discovery,
 * IDENTIFY, verified reads and writes at both MTUs, LBA28 and LBA48 addressing, windows into a
 * file, read-only exports and the status the engine reports.
 */
class EngineDataPathTest {
    private static final long MIB = 1L << 20;

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;

    @ParameterizedTest(name = "MTU {0}: {1} sectors per frame")
    @CsvSource({"1500, 2", "9000, 17"})
    void discoveryReportsAddressMacBufferCountSectorsPerFrameAndConfigString(int mtu, int sectors) throws Exception {
        fx = engines.start(mtu);
        Path disk = fx.disk("d.img", 4 * MIB);
        fx.add(new ExportSpec(7, 3, fx.pair.interfaceA(), StoreSpec.of(disk), 16, new long[0],
                "rack-4".getBytes(StandardCharsets.US_ASCII)));

        List<TargetInfo> found = fx.initiator.discover(Duration.ofMillis(500));

        assertEquals(1, found.size(), "targets found: " + found);
        TargetInfo t = found.get(0);
        assertEquals(7, t.shelf());
        assertEquals(3, t.slot());
        assertEquals(MacAddress.format(fx.engineMac()), MacAddress.format(t.mac()));
        assertEquals(16, t.bufferCount());
        assertEquals(sectors, t.sectorsPerFrame());
        assertEquals("rack-4", t.configText());
    }

    @Test
    void twoExportsOnOneInterfaceBothAnswerOneBroadcast() throws Exception {
        fx = engines.start(1500);
        fx.add(fx.spec(1, 1, StoreSpec.of(fx.disk("a.img", MIB))));
        fx.add(fx.spec(1, 2, StoreSpec.of(fx.disk("b.img", MIB))));

        List<TargetInfo> found = fx.initiator.discover(Duration.ofMillis(500));
        assertEquals(List.of("e1.1", "e1.2"),
                found.stream().map(TargetInfo::name).sorted(Comparator.naturalOrder()).toList());

        // One broadcast config query: exactly one reply per export, each with its real address.
        RawSocket raw = fx.rawB();
        ByteBuffer f = EngineFixture.frame();
        AoeHeader.writeRequest(f, MacAddress.BROADCAST, MacAddress.of(raw.mac()), AoeHeader.BROADCAST_SHELF,
                AoeHeader.BROADCAST_SLOT, AoeHeader.CMD_CONFIG, 0x8000_1234);
        int n = AoeHeader.pad(f, ConfigArg.writeRequest(f, ConfigArg.CCMD_READ, new byte[0]));
        List<ByteBuffer> replies = EngineFixture.rawReplies(raw, f, n, Duration.ofMillis(500));
        assertEquals(List.of("1.1", "1.2"), replies.stream()
                .map(r -> AoeHeader.shelf(r) + "." + AoeHeader.slot(r)).sorted().toList());
    }

    @Test
    void identifyReportsSizeLba48ModelAndSerial() throws Exception {
        fx = engines.start(1500);
        TargetInfo t = fx.serve(2, 5, 8 * MIB);

        Identity id = fx.initiator.identify(t);

        assertEquals(8 * MIB / 512, id.sectors());
        assertTrue(id.lba48(), "LBA48 advertised");
        assertEquals("aoe-operator AoE target", id.model());
        assertEquals("2.5:" + EngineFixture.HOST, id.serial());
    }

    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {1500, 9000})
    void writesReadBackIdenticallyIncludingMultiFrameWindowsAndTheLastSector(int mtu) throws Exception {
        fx = engines.start(mtu);
        long bytes = 16 * MIB;
        TargetInfo t = fx.serve(1, 1, bytes);
        long last = bytes / 512 - 1;
        assertEquals(mtu == 9000 ? 17 : 2, t.sectorsPerFrame());

        fx.assertWriteReadBack(t, 0, 512, 1);
        fx.assertWriteReadBack(t, 7, 3 * 512, 2);              // odd count: a short last frame
        fx.assertWriteReadBack(t, 1000, 512 * 1024, 3);        // 512 KiB: many frames, a full window of 16
        fx.assertWriteReadBack(t, last, 512, 4);               // the last sector
        fx.assertWriteReadBack(t, last - 40, 41 * 512, 5);     // a multi-frame run ending on it

        // What the initiator saw is what landed in the file.
        byte[] onDisk = EngineFixture.fileBytes(fx.dir.resolve("e1.1.img"), last * 512, 512);
        assertArrayEquals(EngineFixture.random(5, 41 * 512), concat(EngineFixture.fileBytes(
                fx.dir.resolve("e1.1.img"), (last - 40) * 512, 40 * 512), onDisk));
    }

    /**
     * A file written before it is exported sits in the page cache, so the receive thread answers
     * its reads itself (preadv2 with RWF_NOWAIT); a second pass is certain to be cached. Both
     * must return the file's bytes, whichever thread answered.
     */
    @Test
    void readsOfCachedDataReturnTheFilesBytes() throws Exception {
        fx = engines.start(1500);
        byte[] content = EngineFixture.random(11, (int) MIB);
        Path disk = fx.disk("e1.2.img", 4 * MIB);
        Files.write(disk, content, StandardOpenOption.WRITE);
        fx.add(fx.spec(1, 2, StoreSpec.of(disk)));
        TargetInfo t = fx.find(1, 2);

        for (int pass = 0; pass < 2; pass++) {
            assertArrayEquals(content, fx.read(t, 0, content.length), "pass " + pass);
            assertArrayEquals(Arrays.copyOfRange(content, 777 * 512, 780 * 512), fx.read(t, 777, 3 * 512));
        }
    }

    /**
     * LBA28 commands carry the device register in lba3 (Linux sends 0xE0 | LBA[27:24]); only
     * 28 bits are the address. The disk is a 10 GiB sparse file, so that the high nibble matters.
     */
    @Test
    void lba28CommandsMaskDeviceBitsAndLba48CommandsUseAll48Bits() throws Exception {
        fx = engines.start(1500);
        TargetInfo t = fx.serve(1, 1, 10L << 30);
        long lba = 0x123_4567L; // bits 24-27 = 1: about 9.1 GiB in
        byte[] data = EngineFixture.random(28, 1024);
        fx.write(t, lba, data);
        RawSocket raw = fx.rawB();
        long me = MacAddress.of(raw.mac());

        // READ SECTORS (0x20) as Linux sends it: lba3 = 0xE0 | high nibble, lba4/lba5 left over.
        ByteBuffer f = EngineFixture.frame();
        EngineFixture.ata(f, t.mac(), me, 1, 1, 0, 2, Ata.READ_SECTORS, lba, 0x8000_0020);
        f.put(AtaArg.LBA + 3, (byte) (0xE0 | (lba >>> 24)));
        f.put(AtaArg.LBA + 4, (byte) 0x5A);
        int n = EngineFixture.rawExchange(raw, f, AoeHeader.pad(f, AtaArg.DATA), REPLY);
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertArrayEquals(data, slice(f, AtaArg.DATA, 1024), "READ SECTORS data");

        // READ SECTORS EXT (0x24) with E: the plain 48-bit LBA.
        EngineFixture.ata(f, t.mac(), me, 1, 1, AtaArg.AFLAG_EXTENDED, 2, Ata.READ_SECTORS_EXT, lba, 0x8000_0024);
        n = EngineFixture.rawExchange(raw, f, AoeHeader.pad(f, AtaArg.DATA), REPLY);
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertArrayEquals(data, slice(f, AtaArg.DATA, 1024), "READ SECTORS EXT data");

        // WRITE SECTORS (0x30) with the device bits lands at the 28-bit address too.
        byte[] other = EngineFixture.random(30, 512);
        EngineFixture.ata(f, t.mac(), me, 1, 1, AtaArg.AFLAG_WRITE, 1, Ata.WRITE_SECTORS, lba + 5, 0x8000_0030);
        f.put(AtaArg.LBA + 3, (byte) (0xE0 | ((lba + 5) >>> 24)));
        f.put(AtaArg.DATA, other);
        n = EngineFixture.rawExchange(raw, f, AtaArg.DATA + 512, REPLY);
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertArrayEquals(other, fx.read(t, lba + 5, 512), "WRITE SECTORS landed at the masked LBA");
    }

    @Test
    void windowedExportMapsOntoItsPartOfTheFileAndRejectsReadsPastItsEnd() throws Exception {
        fx = engines.start(1500);
        Path file = fx.disk("w.img", 64 * 512);
        byte[] pattern = EngineFixture.random(64, 64 * 512);
        Files.write(file, pattern);
        fx.add(fx.spec(4, 4, StoreSpec.of(file).withOffsetSectors(16).withLengthSectors(32)));
        TargetInfo t = fx.find(4, 4);

        assertEquals(32, fx.initiator.identify(t).sectors(), "IDENTIFY shows the window");
        assertArrayEquals(slice(ByteBuffer.wrap(pattern), 16 * 512, 1024), fx.read(t, 0, 1024));

        byte[] first = EngineFixture.random(1, 512);
        byte[] last = EngineFixture.random(2, 512);
        fx.write(t, 0, first);
        fx.write(t, 31, last);

        byte[] expected = pattern.clone();
        System.arraycopy(first, 0, expected, 16 * 512, 512);
        System.arraycopy(last, 0, expected, 47 * 512, 512);
        assertArrayEquals(EngineFixture.sha256(expected), EngineFixture.sha256(Files.readAllBytes(file)),
                "the writes landed at sectors 16 and 47 of the file and nothing else changed");

        AtaException e = assertThrows(AtaException.class, () -> fx.read(t, 31, 1024));
        assertEquals(0x41, e.status());
        assertEquals(Ata.ERROR_IDNF, e.error());
        assertEquals(0, e.aoeError());
    }

    @Test
    void readOnlyExportReadsButAbortsWritesAndLeavesTheFileUnchanged() throws Exception {
        fx = engines.start(1500);
        Path file = fx.disk("ro.img", 64 * 512);
        byte[] pattern = EngineFixture.random(99, 64 * 512);
        Files.write(file, pattern);
        fx.add(fx.spec(5, 1, StoreSpec.of(file).withReadOnly(true)));
        TargetInfo t = fx.find(5, 1);

        assertArrayEquals(slice(ByteBuffer.wrap(pattern), 8 * 512, 4 * 512), fx.read(t, 8, 4 * 512));
        AtaException e = assertThrows(AtaException.class, () -> fx.write(t, 8, new byte[1024]));
        assertEquals(0x41, e.status());
        assertEquals(Ata.ERROR_ABRT, e.error());
        assertEquals(0, e.aoeError(), "a per-I/O failure is no AoE error");
        EngineFixture.assertFileSha(EngineFixture.sha256(pattern), file);
    }

    @Test
    void statusDescribesTheExportAndRemoveReturnsItAndStopsAnswering() throws Exception {
        fx = engines.start(9000);
        TargetInfo t = fx.serve(3, 9, 2 * MIB);

        List<ExportStatus> all = fx.engine().status();
        assertEquals(1, all.size());
        ExportStatus s = all.get(0);
        assertEquals("e3.9", s.target());
        assertEquals(fx.pair.interfaceA(), s.interfaceName());
        assertTrue(s.serving());
        assertEquals("Serving", s.reason());
        assertEquals(MacAddress.format(fx.engineMac()), s.mac());
        assertEquals(9000, s.mtu());
        assertEquals(17, s.sectorsPerFrame());
        assertEquals(2 * MIB, s.sizeBytes());
        assertFalse(s.readOnly());
        assertEquals("OFF", s.writeCache());
        assertNotNull(s.servingSince());
        assertFalse(s.createdSource(), "the file existed");

        ExportStatus last = fx.engine().remove(3, 9);
        assertEquals(s.target(), last.target());
        assertEquals(s.mac(), last.mac());
        assertEquals(s.sizeBytes(), last.sizeBytes());
        assertTrue(fx.engine().status().isEmpty());
        assertNull(fx.engine().remove(3, 9), "removing twice");

        assertTrue(fx.initiator.discover(SILENCE).isEmpty(), "a removed export answers no discovery");
        ByteBuffer f = EngineFixture.frame();
        EngineFixture.ata(f, t.mac(), 0, 3, 9, 0, 1, Ata.IDENTIFY_DEVICE, 0, 0);
        assertEquals(0, fx.initiator.exchange(f, AoeHeader.pad(f, AtaArg.DATA), SILENCE),
                "a removed export answers no IDENTIFY");
    }

    private static byte[] slice(ByteBuffer b, int from, int length) {
        byte[] out = new byte[length];
        b.get(from, out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
