package dev.aoe.responder;

import dev.aoe.ata.AtaDevice;
import dev.aoe.ata.IdentifyBlock;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One target e7.3 on an in-memory disk, and builders for request frames as initiators send
 * them. Every request is built in a direct 9216-byte buffer, the engine's frame size.
 */
abstract class TargetFixture {
    static final int FRAME_SIZE = 9216;
    static final int SHELF = 7;
    static final int SLOT = 3;
    static final long TARGET_MAC = 0x02_00_00_00_00_01L;
    static final long INITIATOR = 0x52_54_00_12_34_56L;
    static final long OTHER = 0x52_54_00_AB_CD_EFL;
    static final long THIRD = 0x52_54_00_00_00_03L;
    /** Bit 31 set, as aoetools send: must come back untouched. */
    static final int TAG = 0xDEADBEEF;
    static final int STORE_SECTORS = 64;
    static final int BUFFER_COUNT = 16;

    MemoryStore store = new MemoryStore(STORE_SECTORS);
    FixedLink link = new FixedLink(TARGET_MAC, 1500);
    TargetState state = TargetState.inMemory(new byte[0]);
    Target target = newTarget(new long[0]);

    Target newTarget(long[] allowlist) {
        return new Target(SHELF, SLOT, new AtaDevice(store, new IdentifyBlock("7.3:test", "V1", "aoe-operator test disk")),
                state, BUFFER_COUNT, allowlist);
    }

    static ByteBuffer frame() {
        return ByteBuffer.allocateDirect(FRAME_SIZE);
    }

    /** A frame whose bytes are all 0xA5, to prove that what the target does not write is zeroed. */
    static ByteBuffer dirtyFrame() {
        ByteBuffer f = frame();
        for (int i = 0; i < FRAME_SIZE; i++) {
            f.put(i, (byte) 0xA5);
        }
        return f;
    }

    static int ataRequest(ByteBuffer f, long src, int shelf, int slot, int aflags, int count, int opcode, long lba,
                          byte[] data) {
        AoeHeader.writeRequest(f, TARGET_MAC, src, shelf, slot, AoeHeader.CMD_ATA, TAG);
        AtaArg.writeRequest(f, aflags, 0, count, opcode, lba);
        if (data != null) {
            f.put(AtaArg.DATA, data);
            return AtaArg.DATA + data.length;
        }
        return AtaArg.DATA;
    }

    static int ataRequest(ByteBuffer f, int aflags, int count, int opcode, long lba, byte[] data) {
        return ataRequest(f, INITIATOR, SHELF, SLOT, aflags, count, opcode, lba, data);
    }

    static int configRequest(ByteBuffer f, long src, int shelf, int slot, int ccmd, byte[] string) {
        AoeHeader.writeRequest(f, TARGET_MAC, src, shelf, slot, AoeHeader.CMD_CONFIG, TAG);
        return ConfigArg.writeRequest(f, ccmd, string);
    }

    static int configRequest(ByteBuffer f, int ccmd, byte[] string) {
        return configRequest(f, INITIATOR, SHELF, SLOT, ccmd, string);
    }

    /** Directives as (dcmd, mac) pairs. */
    static int maskRequest(ByteBuffer f, long src, int mcmd, long... dcmdMacPairs) {
        AoeHeader.writeRequest(f, TARGET_MAC, src, SHELF, SLOT, AoeHeader.CMD_MASK, TAG);
        int count = dcmdMacPairs.length / 2;
        for (int i = 0; i < count; i++) {
            MaskArg.putDirective(f, i, (int) dcmdMacPairs[2 * i], dcmdMacPairs[2 * i + 1]);
        }
        return MaskArg.writeHeader(f, mcmd, 0, count);
    }

    static int reserveRequest(ByteBuffer f, long src, int rcmd, long... macs) {
        AoeHeader.writeRequest(f, TARGET_MAC, src, SHELF, SLOT, AoeHeader.CMD_RESERVE, TAG);
        return ReserveArg.write(f, rcmd, macs, macs.length);
    }

    /** Delivers a request the way the engine does: only if the target accepts it. */
    int deliver(ByteBuffer f, int length) {
        assertTrue(target.accepts(f, length, new TargetCounts()), "the target should accept this request");
        return target.handle(f, length, link, new TargetCounts());
    }

    static void assertReplyHeader(ByteBuffer f, long to) {
        assertEquals(to, AoeHeader.destination(f), "reply goes back to the requester");
        assertEquals(TARGET_MAC, AoeHeader.source(f), "reply comes from the link's MAC");
        assertEquals(AoeHeader.ETHERTYPE_AOE, AoeHeader.etherType(f));
        assertEquals(SHELF, AoeHeader.shelf(f), "real shelf in the reply");
        assertEquals(SLOT, AoeHeader.slot(f), "real slot in the reply");
        assertEquals(TAG, AoeHeader.tag(f), "tag echoed exactly");
    }

    static void assertOk(ByteBuffer f) {
        assertEquals(0x18, f.get(AoeHeader.VERSION_FLAGS) & 0xFF, "version 1, R set, E clear");
        assertEquals(0, AoeHeader.error(f), "no AoE error code");
    }

    static void assertAoeError(ByteBuffer f, int code) {
        assertEquals(0x1C, f.get(AoeHeader.VERSION_FLAGS) & 0xFF, "version 1, R and E set");
        assertEquals(code, AoeHeader.error(f), "AoE error code");
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >> 9));
        }
        return b;
    }

    static byte[] bytes(ByteBuffer f, int from, int length) {
        byte[] b = new byte[length];
        f.get(from, b);
        return b;
    }
}
