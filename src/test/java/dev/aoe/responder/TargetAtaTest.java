package dev.aoe.responder;

import dev.aoe.ata.Ata;
import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetAtaTest extends TargetFixture {
    private static final int EXT = AtaArg.AFLAG_EXTENDED;
    private static final int W = AtaArg.AFLAG_WRITE;

    private static void assertAta(ByteBuffer f, int status, int error) {
        assertEquals(status, AtaArg.status(f), "ATA status");
        assertEquals(error, AtaArg.error(f), "ATA error");
    }

    private static int word(ByteBuffer f, int w) {
        return (f.get(AtaArg.DATA + 2 * w) & 0xFF) | (f.get(AtaArg.DATA + 2 * w + 1) & 0xFF) << 8;
    }

    // ---- IDENTIFY

    @Test
    void identifyReturns512BytesWithStatusDrdy() {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, 0, 1, Ata.IDENTIFY_DEVICE, 0xA0_000000L, null));
        assertEquals(AtaArg.DATA + 512, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertAta(f, 0x40, 0);
        assertEquals(0, AtaArg.sectorCount(f));
        assertEquals(STORE_SECTORS, word(f, 100));
        assertEquals(STORE_SECTORS, word(f, 60));
        assertTrue((word(f, 83) & 0x400) != 0);
        assertTrue((word(f, 86) & 0x400) != 0);
        // model "aoe-operator test disk": byte-swapped
        assertEquals('a', f.get(AtaArg.DATA + 54 + 1));
        assertEquals('o', f.get(AtaArg.DATA + 54));
        // serial "7.3:test"
        assertEquals('7', f.get(AtaArg.DATA + 20 + 1));
        assertEquals('.', f.get(AtaArg.DATA + 20));
    }

    @Test
    void identifyOfALargeDiskCapsLba28AndReportsFullLba48() {
        store = new MemoryStore(0x1_0000_0000L);
        target = newTarget(new long[0]);
        ByteBuffer f = frame();
        deliver(f, ataRequest(f, 0, 1, Ata.IDENTIFY_DEVICE, 0, null));
        assertEquals(0xFFFF, word(f, 60));
        assertEquals(0x0FFF, word(f, 61));
        assertEquals(0, word(f, 100));
        assertEquals(0, word(f, 101));
        assertEquals(1, word(f, 102));
        assertEquals(0, word(f, 103));
    }

    @Test
    void identifyWithExtendedFlagAndTrailingPaddingIsAnswered() {
        // WinAoE sets E on every frame; aoe-sancheck pads IDENTIFY almost to the MTU.
        ByteBuffer f = frame();
        int n = ataRequest(f, EXT, 1, Ata.IDENTIFY_DEVICE, 0, new byte[1400]);
        n = deliver(f, n);
        assertEquals(548, n);
        assertAta(f, 0x40, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void identifyWithCountOtherThanOneIsBadArgument(int count) {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, 0, count, Ata.IDENTIFY_DEVICE, 0, null));
        assertReplyHeader(f, INITIATOR);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(60, n);
    }

    @Test
    void broadcastIdentifyIsAnsweredWithTheRealAddress() {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, INITIATOR, 0xFFFF, 0xFF, EXT, 1, Ata.IDENTIFY_DEVICE, 0, null));
        assertEquals(548, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertAta(f, 0x40, 0);
    }

    @ParameterizedTest
    @CsvSource({"65535, 255", "65535, 3", "7, 255"})
    void broadcastReadsAndWritesAreSilent(int shelf, int slot) {
        ByteBuffer f = frame();
        assertEquals(Outcome.NO_REPLY, deliver(f, ataRequest(f, INITIATOR, shelf, slot, EXT, 1, Ata.READ_SECTORS_EXT, 0, null)));
        int n = ataRequest(f, INITIATOR, shelf, slot, EXT | W, 1, Ata.WRITE_SECTORS_EXT, 0, pattern(512, 1));
        assertEquals(Outcome.NO_REPLY, deliver(f, n));
        assertEquals(0, store.writes + store.reads);
    }

    // ---- READ / WRITE

    @ParameterizedTest(name = "write 0x{0} / read 0x{1}, aflags {2}, lba {3}, {4} sectors")
    @CsvSource({
            "0x30, 0x20, 0x01, 0, 1",
            "0x30, 0x20, 0x01, 5, 2",
            "0x34, 0x24, 0x41, 0, 1",
            "0x34, 0x24, 0x41, 62, 2",
            "0x34, 0x24, 0x01, 17, 2",
    })
    void writeThenReadRoundTripsThroughTheStore(String write, String read, String aflags, long lba, int count) {
        byte[] data = pattern(count * 512, (int) lba);
        ByteBuffer f = dirtyFrame();
        int n = deliver(f, ataRequest(f, Integer.decode(aflags), count, Integer.decode(write), lba, data));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertAta(f, 0x40, 0);
        assertEquals(0, AtaArg.sectorCount(f), "no sectors left");
        assertEquals(lba, AtaArg.lba(f), "LBA echoed");
        for (int i = AtaArg.DATA; i < 60; i++) {
            assertEquals(0, f.get(i), "write reply padding is zero");
        }
        assertArrayEquals(data, Arrays.copyOfRange(store.data, (int) lba * 512, (int) (lba + count) * 512));

        ByteBuffer r = dirtyFrame();
        n = deliver(r, ataRequest(r, Integer.decode(aflags) & ~W, count, Integer.decode(read), lba, null));
        assertEquals(AtaArg.DATA + count * 512, n);
        assertOk(r);
        assertAta(r, 0x40, 0);
        assertArrayEquals(data, bytes(r, AtaArg.DATA, count * 512));
    }

    @Test
    void lba28RequestsFromLinuxWithDeviceBitsInLba3ReachTheRightSector() {
        byte[] data = pattern(512, 9);
        ByteBuffer f = frame();
        // Linux: lba3 = 0xE0 | LBA[27:24]
        deliver(f, ataRequest(f, W, 1, Ata.WRITE_SECTORS, 0xE0_00_00_05L, data));
        assertAta(f, 0x40, 0);
        assertArrayEquals(data, Arrays.copyOfRange(store.data, 5 * 512, 6 * 512));
        deliver(f, ataRequest(f, 0, 1, Ata.READ_SECTORS, 0xE0_00_00_05L, null));
        assertAta(f, 0x40, 0);
        assertArrayEquals(data, bytes(f, AtaArg.DATA, 512));
    }

    @Test
    void lba48UsesAllBitsSoDeviceBitsOutOfRangeAreIdnf() {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT, 1, Ata.READ_SECTORS_EXT, 0xE0_00_00_05L, null));
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x41, 0x10);
    }

    @ParameterizedTest(name = "opcode 0x{0} lba {1} count {2}")
    @CsvSource({
            "0x20, 64, 1",
            "0x20, 63, 2",
            "0x24, 64, 1",
            "0x24, 0xFFFFFFFFFFFF, 2",
            "0x30, 64, 1",
            "0x34, 63, 2",
    })
    void outOfRangeIsIdnfInTheAtaStatusWithoutAoeError(String opcode, String lba, int count) {
        int op = Integer.decode(opcode);
        boolean write = Ata.isWrite(op);
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, write ? W : 0, count, op, Long.decode(lba), write ? new byte[count * 512] : null));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertAta(f, 0x41, Ata.ERROR_IDNF);
        assertEquals(0, store.reads + store.writes);
    }

    @Test
    void lastSectorIsInRange() {
        ByteBuffer f = frame();
        deliver(f, ataRequest(f, EXT, 1, Ata.READ_SECTORS_EXT, STORE_SECTORS - 1, null));
        assertAta(f, 0x40, 0);
    }

    @Test
    void writeToReadOnlyExportIsAbort() {
        store.readOnly = true;
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT | W, 1, Ata.WRITE_SECTORS_EXT, 0, pattern(512, 1)));
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x41, Ata.ERROR_ABRT);
        assertEquals(0, store.writes);
        deliver(f, ataRequest(f, EXT, 1, Ata.READ_SECTORS_EXT, 0, null));
        assertAta(f, 0x40, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x24, 0x34, 0xE7, 0xEA})
    void storeFailureIsAbortWithoutAoeError(int opcode) {
        store.failNext = true;
        boolean write = Ata.isWrite(opcode);
        int count = Ata.isFlush(opcode) ? 0 : 1;
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT | (write ? W : 0), count, opcode, 0, write ? new byte[512] : null));
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x41, Ata.ERROR_ABRT);
    }

    @Test
    void readFailureDoesNotLeakAReadSizedReply() {
        store.failNext = true;
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT, 2, Ata.READ_SECTORS_EXT, 0, null));
        assertEquals(60, n);
        assertAta(f, 0x41, Ata.ERROR_ABRT);
        // the frame is usable again afterwards
        n = deliver(f, ataRequest(f, EXT, 2, Ata.READ_SECTORS_EXT, 0, null));
        assertEquals(AtaArg.DATA + 1024, n);
        assertAta(f, 0x40, 0);
    }

    @ParameterizedTest(name = "MTU {0}: {1} sectors is too many")
    @CsvSource({"1500, 3", "9000, 18", "1500, 255"})
    void countAboveTheAdvertisedMaximumIsBadArgument(int mtu, int count) {
        link.mtu = mtu;
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT, count, Ata.READ_SECTORS_EXT, 0, null));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(0, store.reads);
    }

    @Test
    void jumboMtuAllows17Sectors() {
        store = new MemoryStore(64);
        link.mtu = 9000;
        target = newTarget(new long[0]);
        byte[] data = pattern(17 * 512, 4);
        ByteBuffer f = frame();
        deliver(f, ataRequest(f, EXT | W, 17, Ata.WRITE_SECTORS_EXT, 10, data));
        assertAta(f, 0x40, 0);
        int n = deliver(f, ataRequest(f, EXT, 17, Ata.READ_SECTORS_EXT, 10, null));
        assertEquals(AtaArg.DATA + 17 * 512, n);
        assertArrayEquals(data, bytes(f, AtaArg.DATA, 17 * 512));
    }

    @Test
    void writePayloadShorterThanCountIsBadArgument() {
        ByteBuffer f = frame();
        int n = ataRequest(f, EXT | W, 2, Ata.WRITE_SECTORS_EXT, 0, pattern(1024, 2));
        n = deliver(f, n - 1);
        assertEquals(60, n);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(0, store.writes);
    }

    @Test
    void extraBytesAfterTheWriteDataAreAcceptedAndIgnored() {
        ByteBuffer f = frame();
        byte[] data = pattern(512, 8);
        int n = ataRequest(f, EXT | W, 1, Ata.WRITE_SECTORS_EXT, 3, data);
        f.put(n, pattern(300, 99));
        n = deliver(f, n + 300);
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x40, 0);
        assertArrayEquals(data, Arrays.copyOfRange(store.data, 3 * 512, 4 * 512));
        assertEquals(0, store.data[4 * 512], "nothing written past count*512");
    }

    @Test
    void readWithProbeDataAttachedStillReads() {
        // Linux probe frames are READs that carry zeros.
        byte[] data = pattern(1024, 5);
        System.arraycopy(data, 0, store.data, 0, 1024);
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT, 2, Ata.READ_SECTORS_EXT, 0, new byte[1024]));
        assertEquals(AtaArg.DATA + 1024, n);
        assertArrayEquals(data, bytes(f, AtaArg.DATA, 1024));
    }

    @Test
    void countZeroTransfersNothing() {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, EXT, 0, Ata.READ_SECTORS_EXT, 0, null));
        assertEquals(60, n);
        assertAta(f, 0x40, 0);
    }

    // ---- FLUSH, CHECK POWER MODE, unknown opcodes

    @ParameterizedTest
    @ValueSource(ints = {Ata.FLUSH_CACHE, Ata.FLUSH_CACHE_EXT})
    void flushCallsTheStoreAndReturnsDrdy(int opcode) {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, opcode == Ata.FLUSH_CACHE_EXT ? EXT : 0, 0, opcode, 0, null));
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x40, 0);
        assertEquals(1, store.flushes);
    }

    @Test
    void checkPowerModeReportsActive() {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, 0, 0, Ata.CHECK_POWER_MODE, 0, null));
        assertEquals(60, n);
        assertOk(f);
        assertAta(f, 0x40, 0);
        assertEquals(0xFF, AtaArg.sectorCount(f));
    }

    @ParameterizedTest
    @ValueSource(ints = {Ata.SMART, 0x00, 0xC8, 0xCA, 0xEF, 0xFF})
    void unknownOpcodeIsAbortWithoutAoeError(int opcode) {
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, 0, 1, opcode, 0, null));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertAta(f, 0x41, Ata.ERROR_ABRT);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 25, 30, 35})
    void truncatedAtaHeaderIsSilent(int length) {
        ByteBuffer f = frame();
        ataRequest(f, 0, 1, Ata.IDENTIFY_DEVICE, 0, null);
        assertEquals(Outcome.NO_REPLY, deliver(f, length));
    }

    // ---- replies in general

    @Test
    void requestErrorBitsDoNotLeakIntoASuccessfulReply() {
        ByteBuffer f = frame();
        int n = ataRequest(f, 0, 1, Ata.IDENTIFY_DEVICE, 0, null);
        f.put(AoeHeader.VERSION_FLAGS, (byte) 0x17); // version 1 with E and both reserved bits
        f.put(AoeHeader.ERROR, (byte) 0x09);
        n = deliver(f, n);
        assertEquals(548, n);
        assertOk(f);
    }
}
