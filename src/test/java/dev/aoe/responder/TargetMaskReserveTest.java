package dev.aoe.responder;

import dev.aoe.ata.Ata;
import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TargetMaskReserveTest extends TargetFixture {
    private static long[] maskList(ByteBuffer f) {
        long[] macs = new long[MaskArg.directiveCount(f)];
        for (int i = 0; i < macs.length; i++) {
            assertEquals(MaskArg.DCMD_NONE, MaskArg.dcmd(f, i), "listed entries carry DCmd 0");
            macs[i] = MaskArg.mac(f, i);
        }
        return macs;
    }

    private static long[] reserveList(ByteBuffer f) {
        long[] macs = new long[ReserveArg.macCount(f)];
        for (int i = 0; i < macs.length; i++) {
            macs[i] = ReserveArg.mac(f, i);
        }
        return macs;
    }

    // ---- MAC Mask List

    @Test
    void maskReadOfAnEmptyList() {
        ByteBuffer f = frame();
        int n = deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_READ));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertEquals(MaskArg.MCMD_READ, MaskArg.mcmd(f));
        assertEquals(0, MaskArg.merror(f));
        assertEquals(0, MaskArg.directiveCount(f));
    }

    @Test
    void maskEditAddsAndDeletesInOrderAndListsTheResult() {
        ByteBuffer f = frame();
        int n = deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT,
                MaskArg.DCMD_ADD, INITIATOR, MaskArg.DCMD_ADD, OTHER, MaskArg.DCMD_ADD, THIRD,
                MaskArg.DCMD_DELETE, OTHER, MaskArg.DCMD_NONE, 0x1234));
        assertEquals(60, n, "28 + 2 * 8 bytes, padded");
        assertOk(f);
        assertEquals(0, MaskArg.merror(f));
        assertArrayEquals(new long[] {INITIATOR, THIRD}, maskList(f));
        assertArrayEquals(new long[] {INITIATOR, THIRD}, state.mask());

        n = deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_READ));
        assertArrayEquals(new long[] {INITIATOR, THIRD}, maskList(f));
        n = deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_DELETE, THIRD,
                MaskArg.DCMD_DELETE, OTHER));
        assertEquals(0, MaskArg.merror(f), "deleting an absent MAC is not an error");
        assertArrayEquals(new long[] {INITIATOR}, maskList(f));
    }

    @Test
    void maskDuplicateAddIsHarmless() {
        ByteBuffer f = frame();
        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR, MaskArg.DCMD_ADD, INITIATOR));
        assertOk(f);
        assertEquals(0, MaskArg.merror(f));
        assertArrayEquals(new long[] {INITIATOR}, maskList(f));
    }

    @Test
    void maskListFullReportsMError3WithDirCntApplied() {
        long[] full = new long[TargetState.MAX_MACS - 1];
        for (int i = 0; i < full.length; i++) {
            full[i] = 0x0200_0000_1000L + i;
        }
        full[0] = INITIATOR;
        state.setMask(full);
        ByteBuffer f = frame();
        int n = deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT,
                MaskArg.DCMD_ADD, OTHER, MaskArg.DCMD_ADD, INITIATOR, MaskArg.DCMD_ADD, THIRD, MaskArg.DCMD_ADD, 0x42));
        assertReplyHeader(f, INITIATOR);
        assertOk(f); // MError lives in the argument; the AoE E flag stays clear
        assertEquals(MaskArg.MERROR_LIST_FULL, MaskArg.merror(f));
        assertEquals(2, MaskArg.directiveCount(f), "the first two directives were applied");
        assertEquals(TargetState.MAX_MACS, state.mask().length);
        assertFalse(TargetState.contains(state.mask(), THIRD));
        assertEquals(60, n, "28 + 2 * 8 bytes, padded");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 0x80, 0xFF})
    void maskBadDcmdReportsMError2WithDirCntApplied(int dcmd) {
        ByteBuffer f = frame();
        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT,
                MaskArg.DCMD_ADD, INITIATOR, dcmd, OTHER, MaskArg.DCMD_ADD, THIRD));
        assertOk(f);
        assertEquals(MaskArg.MERROR_BAD_DCMD, MaskArg.merror(f));
        assertEquals(1, MaskArg.directiveCount(f));
        assertArrayEquals(new long[] {INITIATOR}, state.mask(), "directives after the bad one are not applied");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 0xFF})
    void maskUnknownMcmdIsBadArgument(int mcmd) {
        ByteBuffer f = frame();
        int n = deliver(f, maskRequest(f, INITIATOR, mcmd));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
    }

    @Test
    void maskTruncatedDirectiveListIsBadArgument() {
        ByteBuffer f = frame();
        int n = maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR, MaskArg.DCMD_ADD, OTHER);
        n = deliver(f, n - 1);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(0, state.mask().length, "nothing applied");
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 25, 27})
    void maskTruncatedHeaderIsSilent(int length) {
        ByteBuffer f = frame();
        maskRequest(f, INITIATOR, MaskArg.MCMD_READ);
        assertEquals(Outcome.NO_REPLY, deliver(f, length));
    }

    @Test
    void maskOnceSetSilencesOthersButNotListedMacs() {
        ByteBuffer f = frame();
        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, OTHER));
        assertFalse(target.accepts(f, maskRequest(f, INITIATOR, MaskArg.MCMD_READ), new TargetCounts()),
                "the editor itself is shut out when it did not add itself");
        int n = deliver(f, maskRequest(f, OTHER, MaskArg.MCMD_EDIT, MaskArg.DCMD_DELETE, OTHER));
        assertEquals(0, MaskArg.directiveCount(f));
        assertEquals(60, n);
        ataRequest(f, INITIATOR, SHELF, SLOT, 0, 1, Ata.IDENTIFY_DEVICE, 0, null);
        assertEquals(548, deliver(f, 36), "an empty list lets everyone in again");
    }

    // ---- Reserve/Release

    @Test
    void reserveReadOfAnEmptyList() {
        ByteBuffer f = frame();
        int n = deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_READ));
        assertEquals(60, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertEquals(0, ReserveArg.macCount(f));
    }

    @Test
    void reserveSetWhenEmptyThenByTheHolder() {
        ByteBuffer f = frame();
        deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET, INITIATOR, THIRD));
        assertOk(f);
        assertEquals(ReserveArg.RCMD_SET, ReserveArg.rcmd(f));
        assertArrayEquals(new long[] {INITIATOR, THIRD}, reserveList(f));
        deliver(f, reserveRequest(f, THIRD, ReserveArg.RCMD_SET, THIRD));
        assertOk(f);
        assertArrayEquals(new long[] {THIRD}, reserveList(f));
        assertArrayEquals(new long[] {THIRD}, state.reserve());
        deliver(f, reserveRequest(f, OTHER, ReserveArg.RCMD_READ));
        assertOk(f);
        assertArrayEquals(new long[] {THIRD}, reserveList(f), "anyone may read the list");
    }

    @Test
    void reserveSetByAnotherIsError6AndListsTheHolders() {
        state.setReserve(new long[] {INITIATOR});
        ByteBuffer f = frame();
        int n = deliver(f, reserveRequest(f, OTHER, ReserveArg.RCMD_SET, OTHER));
        assertReplyHeader(f, OTHER);
        assertAoeError(f, AoeHeader.ERR_TARGET_RESERVED);
        assertArrayEquals(new long[] {INITIATOR}, reserveList(f));
        assertEquals(60, n);
        deliver(f, reserveRequest(f, OTHER, ReserveArg.RCMD_SET));
        assertAoeError(f, AoeHeader.ERR_TARGET_RESERVED);
        assertArrayEquals(new long[] {INITIATOR}, state.reserve(), "another cannot release it either");
    }

    @Test
    void reserveForceSetAlwaysReplaces() {
        state.setReserve(new long[] {INITIATOR});
        ByteBuffer f = frame();
        deliver(f, reserveRequest(f, OTHER, ReserveArg.RCMD_FORCE_SET, OTHER, THIRD));
        assertOk(f);
        assertArrayEquals(new long[] {OTHER, THIRD}, reserveList(f));
        assertArrayEquals(new long[] {OTHER, THIRD}, state.reserve());
    }

    @Test
    void reserveSetWithNoMacsReleases() {
        state.setReserve(new long[] {INITIATOR});
        ByteBuffer f = frame();
        int n = deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET));
        assertEquals(60, n);
        assertOk(f);
        assertEquals(0, ReserveArg.macCount(f));
        assertEquals(0, state.reserve().length);
    }

    @Test
    void reservedTargetRefusesAtaFromOthersWithError6() {
        state.setReserve(new long[] {INITIATOR});
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, OTHER, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0, null));
        assertEquals(60, n);
        assertReplyHeader(f, OTHER);
        assertAoeError(f, AoeHeader.ERR_TARGET_RESERVED);
        n = ataRequest(f, OTHER, SHELF, SLOT, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 1, Ata.WRITE_SECTORS_EXT, 0,
                pattern(512, 1));
        deliver(f, n);
        assertAoeError(f, AoeHeader.ERR_TARGET_RESERVED);
        assertEquals(0, store.reads + store.writes);

        n = deliver(f, ataRequest(f, INITIATOR, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0, null));
        assertOk(f);
        assertEquals(548, n, "the holder still reads");
    }

    @Test
    void reservedTargetStillAnswersIdentifyAndConfigFromOthers() {
        state.setReserve(new long[] {INITIATOR});
        ByteBuffer f = frame();
        int n = deliver(f, ataRequest(f, OTHER, SHELF, SLOT, 0, 1, Ata.IDENTIFY_DEVICE, 0, null));
        assertEquals(548, n);
        assertOk(f);
        assertEquals(0x40, AtaArg.status(f));
        n = deliver(f, configRequest(f, OTHER, SHELF, SLOT, ConfigArg.CCMD_READ, new byte[0]));
        assertEquals(60, n);
        assertOk(f);
        deliver(f, maskRequest(f, OTHER, MaskArg.MCMD_READ));
        assertOk(f);
    }

    @Test
    void reserveTruncatedMacListIsBadArgument() {
        ByteBuffer f = frame();
        int n = reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET, INITIATOR, OTHER);
        deliver(f, n - 1);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(0, state.reserve().length);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 0xFF})
    void reserveUnknownRcmdIsBadArgument(int rcmd) {
        ByteBuffer f = frame();
        int n = deliver(f, reserveRequest(f, INITIATOR, rcmd, INITIATOR));
        assertEquals(60, n);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(0, state.reserve().length);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 25})
    void reserveTruncatedHeaderIsSilent(int length) {
        ByteBuffer f = frame();
        reserveRequest(f, INITIATOR, ReserveArg.RCMD_READ);
        assertEquals(Outcome.NO_REPLY, deliver(f, length));
    }
}
