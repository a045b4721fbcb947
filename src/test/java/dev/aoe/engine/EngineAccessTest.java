package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who gets in, over the wire: the admin's allowlist, the AoE MAC Mask List, reservations (with
 * a second initiator whose frames carry a forged source MAC), and persistence of the config
 * string, mask and reserve lists across a restart.
 */
class EngineAccessTest {
    private static final int SHELF = 6;
    private static final int SLOT = 2;
    /** A locally administered MAC that no interface here has: "another initiator". */
    private static final long OTHER = 0x02_00_00_00_0B_0BL;

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;

    @Test
    void allowlistWithoutTheInitiatorSilencesEveryCommand() throws Exception {
        fx = engines.start(1500);
        fx.add(new ExportSpec(SHELF, SLOT, fx.pair.interfaceA(), StoreSpec.of(fx.disk("d.img", 1 << 20)), 16,
                new long[] {OTHER}, new byte[0]));
        long target = fx.engineMac();

        assertTrue(fx.initiator.discover(SILENCE).isEmpty(), "discovery finds nothing");
        ByteBuffer f = EngineFixture.frame();
        for (int opcode : new int[] {Ata.IDENTIFY_DEVICE, Ata.READ_SECTORS_EXT}) {
            EngineFixture.ata(f, target, 0, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, opcode, 0, 0);
            assertEquals(0, fx.initiator.exchange(f, AoeHeader.pad(f, AtaArg.DATA), SILENCE), "ATA 0x" + opcode);
        }
        assertEquals(0, silent(f, mask(f, target, MaskArg.MCMD_READ)), "mask read");
        assertEquals(0, silent(f, reserve(f, target, ReserveArg.RCMD_READ)), "reserve read");
    }

    @Test
    void allowlistWithTheInitiatorServesIt() throws Exception {
        fx = engines.start(1500);
        fx.add(new ExportSpec(SHELF, SLOT, fx.pair.interfaceA(), StoreSpec.of(fx.disk("d.img", 1 << 20)), 16,
                new long[] {OTHER, fx.initiatorMac}, new byte[0]));
        TargetInfo t = fx.find(SHELF, SLOT);
        fx.assertWriteReadBack(t, 10, 4096, 7);
    }

    @Test
    void maskListEditsAreListedAndSilenceInitiatorsNotOnIt() throws Exception {
        fx = engines.start(1500);
        TargetInfo t = fx.serve(SHELF, SLOT, 1 << 20);
        ByteBuffer f = EngineFixture.frame();

        // Our own MAC first, so that we stay in; then another one.
        int n = exchange(f, maskEdit(f, t.mac(), MaskArg.DCMD_ADD, fx.initiatorMac));
        assertMask(f, n, fx.initiatorMac);
        n = exchange(f, maskEdit(f, t.mac(), MaskArg.DCMD_ADD, OTHER));
        assertMask(f, n, fx.initiatorMac, OTHER);
        n = exchange(f, mask(f, t.mac(), MaskArg.MCMD_READ));
        assertMask(f, n, fx.initiatorMac, OTHER);
        fx.assertWriteReadBack(t, 3, 1024, 1);

        // Deleting ourselves leaves only the other MAC on the list: we are ignored from now on.
        n = exchange(f, maskEdit(f, t.mac(), MaskArg.DCMD_DELETE, fx.initiatorMac));
        assertMask(f, n, OTHER);
        assertEquals(0, silent(f, mask(f, t.mac(), MaskArg.MCMD_READ)), "masked out: mask read");
        EngineFixture.ata(f, t.mac(), 0, SHELF, SLOT, 0, 1, Ata.IDENTIFY_DEVICE, 0, 0);
        assertEquals(0, fx.initiator.exchange(f, AoeHeader.pad(f, AtaArg.DATA), SILENCE), "masked out: IDENTIFY");
        assertTrue(fx.initiator.discover(SILENCE).isEmpty(), "masked out: discovery");

        // The other initiator, still on the list, empties it: everyone is let in again.
        RawSocket other = fx.rawB();
        maskEdit(f, t.mac(), MaskArg.DCMD_DELETE, OTHER);
        MacAddress.put(f, AoeHeader.SRC, OTHER);
        f.putInt(AoeHeader.TAG, 0x8000_0B0B);
        n = EngineFixture.rawExchange(other, f, AoeHeader.pad(f, MaskArg.DIRECTIVES + MaskArg.DIRECTIVE_LENGTH), REPLY);
        assertMask(f, n);
        assertEquals(OTHER, AoeHeader.destination(f), "the reply goes to the requester");
        fx.assertWriteReadBack(t, 3, 1024, 2);
    }

    @Test
    void reservationRefusesOtherInitiatorsWithError6ButStillAnswersTheirIdentify() throws Exception {
        fx = engines.start(1500);
        TargetInfo t = fx.serve(SHELF, SLOT, 1 << 20);
        RawSocket other = fx.rawB();
        ByteBuffer f = EngineFixture.frame();

        int n = exchange(f, reserve(f, t.mac(), ReserveArg.RCMD_SET, fx.initiatorMac));
        assertReserve(f, n, false, fx.initiatorMac);
        fx.assertWriteReadBack(t, 0, 2048, 3);

        // The other initiator: READ gets E + 6, IDENTIFY is answered, Set is refused with E + 6.
        EngineFixture.ata(f, t.mac(), OTHER, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0, 0x8000_0001);
        n = EngineFixture.rawExchange(other, f, AoeHeader.pad(f, AtaArg.DATA), REPLY);
        assertTrue(n > 0, "the reserved target answers the READ");
        assertTrue(AoeHeader.isError(f), "E flag");
        assertEquals(AoeHeader.ERR_TARGET_RESERVED, AoeHeader.error(f));

        EngineFixture.ata(f, t.mac(), OTHER, SHELF, SLOT, 0, 1, Ata.IDENTIFY_DEVICE, 0, 0x8000_0002);
        n = EngineFixture.rawExchange(other, f, AoeHeader.pad(f, AtaArg.DATA), REPLY);
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertEquals(AtaArg.DATA + 512, n, "IDENTIFY data");

        reserve(f, t.mac(), ReserveArg.RCMD_SET, OTHER);
        MacAddress.put(f, AoeHeader.SRC, OTHER);
        f.putInt(AoeHeader.TAG, 0x8000_0003);
        n = EngineFixture.rawExchange(other, f, AoeHeader.pad(f, ReserveArg.MACS + 6), REPLY);
        assertReserve(f, n, true, fx.initiatorMac);

        // Released (Set with no MACs) by the holder: the other initiator reads again.
        n = exchange(f, reserve(f, t.mac(), ReserveArg.RCMD_SET));
        assertReserve(f, n, false);
        EngineFixture.ata(f, t.mac(), OTHER, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0, 0x8000_0004);
        n = EngineFixture.rawExchange(other, f, AoeHeader.pad(f, AtaArg.DATA), REPLY);
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
    }

    @Test
    void configStringMaskAndReservePersistAcrossRemoveAndAddAndAcrossAnEngineRestart() throws Exception {
        fx = engines.start(1500);
        ExportSpec spec = fx.spec(SHELF, SLOT, StoreSpec.of(fx.disk("d.img", 1 << 20)));
        fx.add(spec);
        long target = fx.engineMac();
        ByteBuffer f = EngineFixture.frame();
        byte[] claim = "claimed-by-host-7".getBytes(StandardCharsets.US_ASCII);

        AoeHeader.writeRequest(f, target, 0, SHELF, SLOT, AoeHeader.CMD_CONFIG, 0);
        int n = exchange(f, AoeHeader.pad(f, ConfigArg.writeRequest(f, ConfigArg.CCMD_SET, claim)));
        assertTrue(n > 0 && !AoeHeader.isError(f), "config set answered without error");
        assertArrayEquals(claim, ConfigArg.string(f, n));
        assertMask(f, exchange(f, maskEdit(f, target, MaskArg.DCMD_ADD, fx.initiatorMac)), fx.initiatorMac);
        assertReserve(f, exchange(f, reserve(f, target, ReserveArg.RCMD_SET, fx.initiatorMac, OTHER)), false,
                fx.initiatorMac, OTHER);

        fx.engine().remove(SHELF, SLOT);
        fx.add(spec);
        assertPersisted(f, target, claim);

        fx.restartEngine();
        fx.add(spec);
        assertPersisted(f, target, claim);
    }

    private void assertPersisted(ByteBuffer f, long target, byte[] claim) throws Exception {
        assertEquals("claimed-by-host-7", fx.find(SHELF, SLOT).configText());
        assertMask(f, exchange(f, mask(f, target, MaskArg.MCMD_READ)), fx.initiatorMac);
        assertReserve(f, exchange(f, reserve(f, target, ReserveArg.RCMD_READ)), false, fx.initiatorMac, OTHER);
        // A Set of a different string now meets the persisted one: E + 4.
        AoeHeader.writeRequest(f, target, 0, SHELF, SLOT, AoeHeader.CMD_CONFIG, 0);
        int n = exchange(f, AoeHeader.pad(f, ConfigArg.writeRequest(f, ConfigArg.CCMD_SET, new byte[] {'x'})));
        assertTrue(n > 0 && AoeHeader.isError(f), "config set over a persisted string is refused");
        assertEquals(AoeHeader.ERR_CONFIG_STRING_PRESENT, AoeHeader.error(f));
        assertArrayEquals(claim, ConfigArg.string(f, n));
    }

    // ---- frames ----

    private int exchange(ByteBuffer f, int length) throws Exception {
        return fx.initiator.exchange(f, length, REPLY);
    }

    /** Sends through the initiator and returns the reply length after listening for {@link EngineFixture#SILENCE}. */
    private int silent(ByteBuffer f, int length) throws Exception {
        return fx.initiator.exchange(f, length, SILENCE);
    }

    private static int mask(ByteBuffer f, long target, int mcmd) {
        AoeHeader.writeRequest(f, target, 0, SHELF, SLOT, AoeHeader.CMD_MASK, 0);
        return AoeHeader.pad(f, MaskArg.writeHeader(f, mcmd, 0, 0));
    }

    private static int maskEdit(ByteBuffer f, long target, int dcmd, long mac) {
        AoeHeader.writeRequest(f, target, 0, SHELF, SLOT, AoeHeader.CMD_MASK, 0);
        int n = MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, 1);
        MaskArg.putDirective(f, 0, dcmd, mac);
        return AoeHeader.pad(f, n);
    }

    private static int reserve(ByteBuffer f, long target, int rcmd, long... macs) {
        AoeHeader.writeRequest(f, target, 0, SHELF, SLOT, AoeHeader.CMD_RESERVE, 0);
        return AoeHeader.pad(f, ReserveArg.write(f, rcmd, macs, macs.length));
    }

    private static void assertMask(ByteBuffer f, int n, long... expected) {
        assertTrue(n > 0, "a mask reply");
        assertFalse(AoeHeader.isError(f), "E flag of a mask reply");
        assertEquals(MaskArg.MERROR_NONE, MaskArg.merror(f), "MError");
        assertEquals(expected.length, MaskArg.directiveCount(f), "DirCnt");
        long[] listed = new long[expected.length];
        for (int i = 0; i < expected.length; i++) {
            assertEquals(MaskArg.DCMD_NONE, MaskArg.dcmd(f, i));
            listed[i] = MaskArg.mac(f, i);
        }
        assertEquals(MacAddress.formatList(expected), MacAddress.formatList(listed));
    }

    private static void assertReserve(ByteBuffer f, int n, boolean refused, long... expected) {
        assertTrue(n > 0, "a reserve reply");
        assertEquals(refused, AoeHeader.isError(f), "E flag of a reserve reply");
        assertEquals(refused ? AoeHeader.ERR_TARGET_RESERVED : 0, AoeHeader.error(f));
        assertEquals(expected.length, ReserveArg.macCount(f), "NMacs");
        long[] listed = new long[expected.length];
        for (int i = 0; i < expected.length; i++) {
            listed[i] = ReserveArg.mac(f, i);
        }
        assertEquals(MacAddress.formatList(expected), MacAddress.formatList(listed));
    }
}
