package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AoE has no authentication: an initiator is its source MAC, and any host on the segment can put
 * any source MAC in a frame. These tests send frames built by hand, with forged source MACs, from
 * a raw socket on end B, and pin down what the allowlist, readOnly and reservations hold and
 * what they do not: a MAC that is not let in gets silence; a forged MAC equal to a let-in one is
 * served (the documented limit); readOnly holds whatever the MAC; a source MAC with the group bit
 * set (broadcast, multicast), which no Ethernet station can own, gets silence, so a reply never
 * goes to every host on the segment.
 */
class ForgedMacTest {
    private static final int SHELF = 7;
    private static final int SLOT = 3;
    /** An allowlisted initiator that is not on this link: forging it is the attack. */
    private static final long ALLOWED = 0x02_00_00_00_0A_0AL;
    /** The forger's own choice of MAC, on no list. */
    private static final long FORGER = 0x02_00_00_00_0E_0EL;
    private static final long MULTICAST = 0x01_00_5E_00_00_01L;
    private static final List<String> HELD = new ArrayList<>();

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;
    private RawSocket raw;
    private long target;
    private int tag = 0x4000_0000;

    @AfterAll
    static void summary() {
        System.out.println("ForgedMacTest: forged source MACs against allowlist, readOnly and reservations; held: "
                + String.join("; ", HELD));
    }

    private Path start(ExportSpec spec) throws Exception {
        fx.add(spec);
        raw = fx.rawB();
        target = fx.engineMac();
        return spec.store().path();
    }

    private ExportSpec spec(StoreSpec store, long... allowlist) {
        return new ExportSpec(SHELF, SLOT, fx.pair.interfaceA(), store, EngineFixture.BUFFER_COUNT, allowlist, new byte[0]);
    }

    @Test
    void aNonAllowlistedSourceGetsSilenceForEveryCommand() throws Exception {
        fx = engines.start(1500);
        Path file = start(spec(StoreSpec.of(fx.disk("d.img", 1 << 20)), ALLOWED));
        byte[] before = EngineFixture.sha256(Files.readAllBytes(file));
        ByteBuffer f = EngineFixture.frame();
        for (long dst : new long[] {target, MacAddress.BROADCAST}) {
            assertSilent(f, identify(f, dst, FORGER), "IDENTIFY");
            assertSilent(f, read(f, dst, FORGER), "READ");
            assertSilent(f, write(f, dst, FORGER, (byte) 0x5A), "WRITE");
            assertSilent(f, config(f, dst, FORGER), "config read");
            assertSilent(f, mask(f, dst, FORGER), "mask read");
            assertSilent(f, reserve(f, dst, FORGER, ReserveArg.RCMD_SET, FORGER), "reserve set");
        }
        EngineFixture.assertFileSha(before, file);
        HELD.add("(a) a source off the allowlist: silence for ATA, config, mask, reserve");
    }

    @Test
    void aForgedAllowlistedSourceIsServedTheDocumentedLimit() throws Exception {
        fx = engines.start(1500);
        Path file = start(spec(StoreSpec.of(fx.disk("d.img", 1 << 20)), ALLOWED));
        ByteBuffer f = EngineFixture.frame();
        int n = exchange(f, identify(f, target, ALLOWED));
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertEquals(ALLOWED, AoeHeader.destination(f), "the reply goes to the forged MAC, which the forger sees on a shared segment");
        n = exchange(f, write(f, target, ALLOWED, (byte) 0x5A));
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertEquals((byte) 0x5A, EngineFixture.fileBytes(file, 0, 1)[0], "the forged write landed: AoE cannot tell");
        HELD.add("(b) LIMIT: forging an allowlisted MAC is served, writes included");
    }

    @Test
    void readOnlyHoldsWhateverTheSourceMac() throws Exception {
        fx = engines.start(1500);
        Path file = fx.disk("ro.img", 1 << 20);
        byte[] pattern = EngineFixture.random(5, 1 << 20);
        Files.write(file, pattern);
        start(spec(StoreSpec.of(file).withReadOnly(true)));
        ByteBuffer f = EngineFixture.frame();
        for (long src : new long[] {FORGER, ALLOWED, fx.initiatorMac}) {
            int n = exchange(f, write(f, target, src, (byte) 0x77));
            EngineFixture.assertAtaReply(f, n, Ata.STATUS_FAILED, Ata.ERROR_ABRT);
            n = exchange(f, read(f, target, src));
            EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        }
        EngineFixture.assertFileSha(EngineFixture.sha256(pattern), file);
        HELD.add("(c) readOnly: writes ABRT from any MAC, file unchanged");
    }

    @Test
    void readOnlyHoldsForAForgedAllowlistedSource() throws Exception {
        fx = engines.start(1500);
        Path file = fx.disk("ro.img", 1 << 20);
        start(spec(StoreSpec.of(file).withReadOnly(true), ALLOWED));
        byte[] before = EngineFixture.sha256(Files.readAllBytes(file));
        ByteBuffer f = EngineFixture.frame();
        int n = exchange(f, write(f, target, ALLOWED, (byte) 0x77));
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_FAILED, Ata.ERROR_ABRT);
        EngineFixture.assertFileSha(before, file);
    }

    @Test
    void aReservationRefusesAForgedNonHolderButNotAForgedHolder() throws Exception {
        fx = engines.start(1500);
        Path file = start(spec(StoreSpec.of(fx.disk("d.img", 1 << 20))));
        ByteBuffer f = EngineFixture.frame();
        int n = exchange(f, reserve(f, target, ALLOWED, ReserveArg.RCMD_SET, ALLOWED));
        assertTrue(n > 0 && !AoeHeader.isError(f), "the holder reserves");

        n = exchange(f, read(f, target, FORGER));
        assertTrue(n > 0 && AoeHeader.isError(f), "a non-holder's READ gets an error reply");
        assertEquals(AoeHeader.ERR_TARGET_RESERVED, AoeHeader.error(f));
        n = exchange(f, write(f, target, FORGER, (byte) 0x66));
        assertTrue(n > 0 && AoeHeader.isError(f), "a non-holder's WRITE gets an error reply");
        assertEquals(AoeHeader.ERR_TARGET_RESERVED, AoeHeader.error(f));
        n = exchange(f, reserve(f, target, FORGER, ReserveArg.RCMD_SET, FORGER));
        assertTrue(n > 0 && AoeHeader.isError(f), "a non-holder cannot take the reservation");
        assertEquals(AoeHeader.ERR_TARGET_RESERVED, AoeHeader.error(f));
        assertEquals(0, EngineFixture.fileBytes(file, 0, 1)[0], "nothing written by the non-holder");

        // The limit: forging the holder's MAC passes, and may even release the reservation.
        n = exchange(f, write(f, target, ALLOWED, (byte) 0x66));
        EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
        assertEquals((byte) 0x66, EngineFixture.fileBytes(file, 0, 1)[0]);
        n = exchange(f, reserve(f, target, ALLOWED, ReserveArg.RCMD_SET));
        assertTrue(n > 0 && !AoeHeader.isError(f), "the forged holder releases");
        HELD.add("(d) reservation: a forged non-holder gets E+6 for READ, WRITE and Set; LIMIT: a forged holder passes");
    }

    @Test
    void aGroupSourceMacGetsSilence() throws Exception {
        fx = engines.start(1500);
        Path file = start(spec(StoreSpec.of(fx.disk("d.img", 1 << 20))));
        ByteBuffer f = EngineFixture.frame();
        // Control: the same frames from a unicast source are answered.
        EngineFixture.assertAtaReply(f, exchange(f, identify(f, target, FORGER)), Ata.STATUS_OK, 0);
        for (long src : new long[] {MacAddress.BROADCAST, MULTICAST}) {
            for (long dst : new long[] {target, MacAddress.BROADCAST}) {
                assertSilent(f, identify(f, dst, src), "IDENTIFY from " + MacAddress.format(src));
                assertSilent(f, config(f, dst, src), "config read from " + MacAddress.format(src));
                assertSilent(f, mask(f, dst, src), "mask read from " + MacAddress.format(src));
                assertSilent(f, write(f, dst, src, (byte) 0x11), "WRITE from " + MacAddress.format(src));
            }
        }
        assertEquals(0, EngineFixture.fileBytes(file, 0, 1)[0], "nothing written");
        HELD.add("(e) broadcast or multicast source MAC: silence (no reply to every host)");
    }

    // ---- frames ----

    private int exchange(ByteBuffer f, int length) throws Exception {
        return EngineFixture.rawExchange(raw, f, length, REPLY);
    }

    private void assertSilent(ByteBuffer f, int length, String what) throws Exception {
        List<ByteBuffer> replies = EngineFixture.rawReplies(raw, f, length, SILENCE);
        assertTrue(replies.isEmpty(), what + ": expected silence, got " + replies.size() + " replies");
    }

    private int nextTag() {
        return ++tag;
    }

    private int identify(ByteBuffer f, long dst, long src) {
        EngineFixture.ata(f, dst, src, SHELF, SLOT, 0, 1, Ata.IDENTIFY_DEVICE, 0, nextTag());
        return AoeHeader.pad(f, AtaArg.DATA);
    }

    private int read(ByteBuffer f, long dst, long src) {
        EngineFixture.ata(f, dst, src, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0, nextTag());
        return AoeHeader.pad(f, AtaArg.DATA);
    }

    private int write(ByteBuffer f, long dst, long src, byte fill) {
        EngineFixture.ata(f, dst, src, SHELF, SLOT, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 1,
                Ata.WRITE_SECTORS_EXT, 0, nextTag());
        for (int i = 0; i < Ata.SECTOR_SIZE; i++) {
            f.put(AtaArg.DATA + i, fill);
        }
        return AtaArg.DATA + Ata.SECTOR_SIZE;
    }

    private int config(ByteBuffer f, long dst, long src) {
        AoeHeader.writeRequest(f, dst, src, SHELF, SLOT, AoeHeader.CMD_CONFIG, nextTag());
        return AoeHeader.pad(f, ConfigArg.writeRequest(f, ConfigArg.CCMD_READ, new byte[0]));
    }

    private int mask(ByteBuffer f, long dst, long src) {
        AoeHeader.writeRequest(f, dst, src, SHELF, SLOT, AoeHeader.CMD_MASK, nextTag());
        return AoeHeader.pad(f, MaskArg.writeHeader(f, MaskArg.MCMD_READ, 0, 0));
    }

    private int reserve(ByteBuffer f, long dst, long src, int rcmd, long... macs) {
        AoeHeader.writeRequest(f, dst, src, SHELF, SLOT, AoeHeader.CMD_RESERVE, nextTag());
        return AoeHeader.pad(f, ReserveArg.write(f, rcmd, macs, macs.length));
    }
}
