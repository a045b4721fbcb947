package dev.aoe.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AoeHeaderTest {
    private static final long INITIATOR = 0x5254_0012_3456L;
    private static final long TARGET = 0x0200_0000_0001L;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xDEAD_BEEF, 0xFFFF_FFFF, 0x8000_1234})
    void tagRoundTripsAllThirtyTwoBitsBigEndian(int tag) {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AoeHeader.writeRequest(f, TARGET, INITIATOR, 1, 2, AoeHeader.CMD_ATA, tag);
        assertEquals(tag, AoeHeader.tag(f));
        assertEquals((byte) (tag >>> 24), f.get(AoeHeader.TAG), "tag is big-endian");
        AoeHeader.makeReply(f, TARGET, 1, 2);
        assertEquals(tag, AoeHeader.tag(f), "makeReply leaves the tag untouched");
    }

    @Test
    void writeRequestLaysOutTheCommonHeader() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AoeHeader.writeRequest(f, MacAddress.BROADCAST, INITIATOR, 0x1234, 0x56, AoeHeader.CMD_CONFIG, 7);
        assertEquals(MacAddress.BROADCAST, AoeHeader.destination(f));
        assertEquals(INITIATOR, AoeHeader.source(f));
        assertEquals(0x88, f.get(12) & 0xFF);
        assertEquals(0xA2, f.get(13) & 0xFF);
        assertEquals(0x10, f.get(14) & 0xFF, "version 1, no flags");
        assertEquals(0x12, f.get(16) & 0xFF, "shelf is big-endian");
        assertEquals(0x34, f.get(17) & 0xFF);
        assertEquals(0x56, AoeHeader.slot(f));
        assertEquals(AoeHeader.CMD_CONFIG, AoeHeader.command(f));
        assertEquals(1, AoeHeader.version(f));
        assertFalse(AoeHeader.isResponse(f));
    }

    @Test
    void makeReplySwapsAddressesSetsFlags0x18AndRealShelfSlot() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AoeHeader.writeRequest(f, MacAddress.BROADCAST, INITIATOR, 0xFFFF, 0xFF, AoeHeader.CMD_CONFIG, 9);
        f.put(AoeHeader.ERROR, (byte) 5);
        AoeHeader.makeReply(f, TARGET, 42, 7);
        assertEquals(INITIATOR, AoeHeader.destination(f));
        assertEquals(TARGET, AoeHeader.source(f));
        assertEquals(0x18, f.get(AoeHeader.VERSION_FLAGS) & 0xFF);
        assertEquals(0, AoeHeader.error(f));
        assertEquals(42, AoeHeader.shelf(f));
        assertEquals(7, AoeHeader.slot(f));
        assertTrue(AoeHeader.isResponse(f));
        assertFalse(AoeHeader.isError(f));
    }

    @Test
    void setErrorSetsTheEFlagTogetherWithTheCode() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AoeHeader.writeRequest(f, TARGET, INITIATOR, 1, 2, AoeHeader.CMD_ATA, 0);
        AoeHeader.makeReply(f, TARGET, 1, 2);
        AoeHeader.setError(f, AoeHeader.ERR_TARGET_RESERVED);
        assertEquals(0x1C, f.get(AoeHeader.VERSION_FLAGS) & 0xFF);
        assertEquals(6, AoeHeader.error(f));
        assertTrue(AoeHeader.isError(f));
    }

    @ParameterizedTest
    @CsvSource({
            "7, 3, 7, 3, true",
            "65535, 3, 7, 3, true",
            "7, 255, 7, 3, true",
            "65535, 255, 7, 3, true",
            "8, 3, 7, 3, false",
            "7, 4, 7, 3, false",
            "65535, 4, 7, 3, false",
            "8, 255, 7, 3, false",
    })
    void broadcastShelfAndSlotMatchIndependently(int shelf, int slot, int myShelf, int mySlot, boolean expected) {
        assertEquals(expected, AoeHeader.addressedTo(shelf, slot, myShelf, mySlot));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, 26, 28, 32, 36, 59})
    void padZeroFillsShortRepliesToSixtyBytes(int length) {
        ByteBuffer f = ByteBuffer.allocateDirect(128);
        for (int i = 0; i < 128; i++) {
            f.put(i, (byte) 0xEE);
        }
        assertEquals(60, AoeHeader.pad(f, length));
        for (int i = 0; i < length; i++) {
            assertEquals((byte) 0xEE, f.get(i), "content before the reply length is kept");
        }
        for (int i = length; i < 60; i++) {
            assertEquals(0, f.get(i), "padding byte " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {60, 61, 548, 1060})
    void padLeavesLongRepliesAlone(int length) {
        ByteBuffer f = ByteBuffer.allocateDirect(2048);
        f.put(length, (byte) 0xEE);
        assertEquals(length, AoeHeader.pad(f, length));
        assertEquals((byte) 0xEE, f.get(length));
    }
}
