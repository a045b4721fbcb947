package dev.aoe.responder;

import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetMiscTest extends TargetFixture {
    @ParameterizedTest
    @ValueSource(ints = {4, 7, 0x10, 0x80, 0xEF})
    void unknownCommandIsError1(int command) {
        ByteBuffer f = dirtyFrame();
        AoeHeader.writeRequest(f, TARGET_MAC, INITIATOR, SHELF, SLOT, command, TAG);
        int n = deliver(f, 60);
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertAoeError(f, AoeHeader.ERR_BAD_COMMAND);
        assertEquals(command, AoeHeader.command(f), "command echoed");
        for (int i = AoeHeader.LENGTH; i < 60; i++) {
            assertEquals(0, f.get(i), "padding byte " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0xF0, 0xF7, 0xFF})
    void vendorCommandsAreSilent(int command) {
        ByteBuffer f = frame();
        AoeHeader.writeRequest(f, TARGET_MAC, INITIATOR, SHELF, SLOT, command, TAG);
        assertEquals(Outcome.NO_REPLY, deliver(f, 60));
    }

    @Test
    void announcementIsAVersion1ConfigReplyWithTagZero() {
        state.setConfig("pool-a".getBytes(StandardCharsets.US_ASCII));
        link.mtu = 9000;
        ByteBuffer f = dirtyFrame();
        int n = target.writeAnnouncement(f, link, MacAddress.BROADCAST);
        assertEquals(60, n);
        assertEquals(MacAddress.BROADCAST, AoeHeader.destination(f));
        assertEquals(TARGET_MAC, AoeHeader.source(f));
        assertEquals(AoeHeader.ETHERTYPE_AOE, AoeHeader.etherType(f));
        assertEquals(0x18, f.get(AoeHeader.VERSION_FLAGS) & 0xFF);
        assertEquals(0, AoeHeader.error(f));
        assertEquals(SHELF, AoeHeader.shelf(f));
        assertEquals(SLOT, AoeHeader.slot(f));
        assertEquals(AoeHeader.CMD_CONFIG, AoeHeader.command(f));
        assertEquals(0, AoeHeader.tag(f));
        assertEquals(BUFFER_COUNT, ConfigArg.bufferCount(f));
        assertEquals(17, ConfigArg.sectorCount(f));
        assertEquals(0x10, f.get(ConfigArg.VERSION_CCMD) & 0xFF);
        assertArrayEquals("pool-a".getBytes(StandardCharsets.US_ASCII), ConfigArg.string(f, n));
        for (int i = 38; i < 60; i++) {
            assertEquals(0, f.get(i), "padding byte " + i);
        }
    }

    @Test
    void announcementToAnAllowlistedMac() {
        target = newTarget(new long[] {INITIATOR});
        ByteBuffer f = frame();
        for (long to : target.announcementDestinations()) {
            target.writeAnnouncement(f, link, to);
            assertEquals(INITIATOR, AoeHeader.destination(f));
        }
    }

    @Test
    void maxSectorsIsBoundedByMtuBufferAndTheCountByte() {
        assertEquals(2, Target.maxSectors(1500, 9216));
        assertEquals(17, Target.maxSectors(9000, 9216));
        assertEquals(2, Target.maxSectors(9000, 1500), "a small receive buffer limits it");
        assertEquals(0, Target.maxSectors(20, 9216));
        assertEquals(255, Target.maxSectors(1_000_000, 1_000_000));
    }

    @Test
    void everyCommandTruncatedAtEveryLengthNeverThrows() {
        for (int command : new int[] {0, 1, 2, 3, 7, 0xF0}) {
            for (int sub = 0; sub < 6; sub++) {
                for (int length = AoeHeader.LENGTH; length <= 80; length++) {
                    ByteBuffer f = frame();
                    AoeHeader.writeRequest(f, TARGET_MAC, OTHER, SHELF, SLOT, command, TAG);
                    for (int i = 24; i < 40; i++) {
                        f.put(i, (byte) (command == 0 ? 0 : 0xFF));
                    }
                    f.put(24, (byte) sub).put(25, (byte) sub).put(27, (byte) (command == 0 ? 0xEC : sub))
                            .put(29, (byte) sub).put(26, (byte) 1);
                    int len = length;
                    int n = assertDoesNotThrow(() -> target.handle(f, len, link, new TargetCounts()), "command " + command + " length " + len);
                    assertTrue(n == Outcome.NO_REPLY || n >= 60, "reply length " + n);
                }
            }
        }
    }

    @Test
    void randomFramesNeverThrow() {
        Random random = new Random(0xA0E);
        ByteBuffer f = frame();
        for (int round = 0; round < 20_000; round++) {
            int length = random.nextInt(101);
            byte[] junk = new byte[100];
            random.nextBytes(junk);
            f.clear();
            f.put(0, junk);
            if (round % 2 == 0) {
                // make it look like a request to us, so that the handlers see it
                f.put(AoeHeader.VERSION_FLAGS, (byte) 0x10);
                f.putShort(AoeHeader.SHELF, (short) SHELF);
                f.put(AoeHeader.SLOT, (byte) SLOT);
                f.put(AoeHeader.COMMAND, (byte) random.nextInt(5));
            }
            state.setMask(new long[0]);
            state.setReserve(new long[0]);
            int len = length;
            assertDoesNotThrow(() -> target.accepts(f, len, new TargetCounts()));
            int n = assertDoesNotThrow(() -> target.handle(f, len, link, new TargetCounts()), "round " + len);
            assertTrue(n == Outcome.NO_REPLY || (n >= 60 && n <= FRAME_SIZE), "reply length " + n);
            if (n != Outcome.NO_REPLY) {
                assertEquals(0x08, f.get(AoeHeader.VERSION_FLAGS) & 0x08, "replies carry R");
                assertEquals(AoeHeader.isError(f), AoeHeader.error(f) != 0, "E flag and code go together");
            }
        }
    }
}
