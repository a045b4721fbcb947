package dev.aoe.responder;

import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MaskArg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetAcceptsTest extends TargetFixture {
    @ParameterizedTest(name = "e{0}.{1} -> {2}")
    @CsvSource({
            "7, 3, true",
            "65535, 3, true",
            "7, 255, true",
            "65535, 255, true",
            "7, 4, false",
            "8, 3, false",
            "65535, 4, false",
            "8, 255, false",
            "0, 0, false",
    })
    void acceptsOwnAddressAndBroadcastShelfAndSlotIndependently(int shelf, int slot, boolean accepted) {
        ByteBuffer f = frame();
        int n = configRequest(f, INITIATOR, shelf, slot, ConfigArg.CCMD_READ, new byte[0]);
        assertEquals(accepted, target.accepts(f, n, new TargetCounts()));
    }

    @Test
    void refusesResponses() {
        ByteBuffer f = frame();
        int n = configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        f.put(AoeHeader.VERSION_FLAGS, (byte) 0x18);
        assertFalse(target.accepts(f, n, new TargetCounts()));
        f.put(AoeHeader.VERSION_FLAGS, (byte) 0x08);
        assertFalse(target.accepts(f, n, new TargetCounts()), "vblade's version-0 announcement is a response too");
    }

    @ParameterizedTest
    @ValueSource(longs = {0xFFFF_FFFF_FFFFL, 0x01_00_5E_00_00_01L, 0x33_33_00_00_00_01L, 0x03_00_00_00_00_00L})
    void refusesGroupSourceMacsWhichOnlyAForgerSends(long source) {
        ByteBuffer f = frame();
        int n = configRequest(f, source, 7, 3, ConfigArg.CCMD_READ, new byte[0]);
        assertFalse(target.accepts(f, n, new TargetCounts()), "a reply would go to every host on the segment");
        n = configRequest(f, 0x02_00_00_00_00_01L, 7, 3, ConfigArg.CCMD_READ, new byte[0]);
        assertTrue(target.accepts(f, n, new TargetCounts()), "control: a unicast source");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x20, 0xF0, 0x04})
    void refusesVersionsOtherThanOne(int versionFlags) {
        ByteBuffer f = frame();
        int n = configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        f.put(AoeHeader.VERSION_FLAGS, (byte) versionFlags);
        assertFalse(target.accepts(f, n, new TargetCounts()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 14, 20, 23})
    void refusesFramesShorterThanTheAoeHeader(int length) {
        ByteBuffer f = frame();
        configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        assertFalse(target.accepts(f, length, new TargetCounts()));
    }

    @Test
    void acceptsAHeaderOnlyFrame() {
        ByteBuffer f = frame();
        configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        assertTrue(target.accepts(f, AoeHeader.LENGTH, new TargetCounts()));
    }

    @Test
    void emptyAllowlistLetsAnyoneIn() {
        ByteBuffer f = frame();
        assertTrue(target.accepts(f, configRequest(f, INITIATOR, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
        assertTrue(target.accepts(f, configRequest(f, OTHER, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
    }

    @Test
    void allowlistAdmitsOnlyItsMacs() {
        target = newTarget(new long[] {INITIATOR, THIRD});
        ByteBuffer f = frame();
        assertTrue(target.accepts(f, configRequest(f, INITIATOR, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
        assertTrue(target.accepts(f, configRequest(f, THIRD, 0xFFFF, 0xFF, 0, new byte[0]), new TargetCounts()));
        assertFalse(target.accepts(f, configRequest(f, OTHER, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
    }

    @Test
    void nonEmptyMaskListSilencesEveryCommandFromOtherMacs() {
        ByteBuffer f = frame();
        int n = maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR);
        assertTrue(target.handle(f, n, link, new TargetCounts()) > 0);
        assertTrue(target.accepts(f, configRequest(f, INITIATOR, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
        assertFalse(target.accepts(f, configRequest(f, OTHER, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
        assertFalse(target.accepts(f, maskRequest(f, OTHER, MaskArg.MCMD_READ), new TargetCounts()));
        assertFalse(target.accepts(f, reserveRequest(f, OTHER, 0), new TargetCounts()));
        assertFalse(target.accepts(f, ataRequest(f, OTHER, SHELF, SLOT, 0, 1, 0xEC, 0, null), new TargetCounts()));
    }

    @Test
    void allowlistAndMaskMustBothAdmit() {
        target = newTarget(new long[] {INITIATOR, OTHER});
        state.setMask(new long[] {OTHER, THIRD});
        ByteBuffer f = frame();
        assertFalse(target.accepts(f, configRequest(f, INITIATOR, SHELF, SLOT, 0, new byte[0]), new TargetCounts()), "not on the mask");
        assertFalse(target.accepts(f, configRequest(f, THIRD, SHELF, SLOT, 0, new byte[0]), new TargetCounts()), "not on the allowlist");
        assertTrue(target.accepts(f, configRequest(f, OTHER, SHELF, SLOT, 0, new byte[0]), new TargetCounts()));
    }

    @ParameterizedTest
    @CsvSource({"65535, 0", "0, 255", "65535, 255", "-1, 0", "0, -1", "70000, 0", "0, 256"})
    void constructorRejectsBroadcastAndOutOfRangeAddresses(int shelf, int slot) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Target(shelf, slot, null, state, BUFFER_COUNT, new long[0]));
        assertTrue(e.getMessage().contains("shelf must be 0-65534 and slot 0-254"), e.getMessage());
        assertTrue(e.getMessage().contains("e" + shelf + "." + slot), e.getMessage());
    }

    @Test
    void constructorAcceptsTheHighestRealAddress() {
        Target t = new Target(65534, 254, null, state, BUFFER_COUNT, new long[0]);
        assertEquals("e65534.254", t.toString());
    }

    @Test
    void announcementGoesToBroadcastWithoutAllowlistElseToEachAllowedMac() {
        assertEquals(1, target.announcementDestinations().length);
        assertEquals(0xFFFF_FFFF_FFFFL, target.announcementDestinations()[0]);
        long[] allow = {INITIATOR, OTHER};
        Target t = newTarget(allow);
        allow[0] = 0;
        assertEquals(INITIATOR, t.announcementDestinations()[0], "allowlist is copied");
        assertEquals(OTHER, t.announcementDestinations()[1]);
        assertEquals(2, t.announcementDestinations().length);
    }
}
