package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.WriteCache;
import dev.aoe.testing.EngineFixture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several initiators (distinct, forged source MACs on raw sockets) write their own regions of
 * one export and read everyone's while an administrator changes the reserve and mask lists
 * under them. Every sector read must be one whole block some initiator wrote there (each block
 * carries its writer, sequence number, LBA and a checksum) or still zero; an initiator's own
 * sectors never go back behind its last acknowledged write; and while a phase is stable every
 * answer is the one the lists prescribe: success, E + 6 for ATA other than IDENTIFY from
 * outside a reservation, silence for MACs outside the mask.
 */
class ConcurrentInitiatorsTest {
    private static final int SHELF = 7;
    private static final int SLOT = 1;
    private static final int WRITERS = 3;
    private static final int SECTORS_EACH = 16;
    private static final long SECTORS = 64;
    private static final long ADMIN = 0x02_00_00_00_cc_adL;
    private static final long[] MACS = {0x02_00_00_00_cc_01L, 0x02_00_00_00_cc_02L, 0x02_00_00_00_cc_03L};
    private static final int TRANSITION = -1;
    private static final Duration REPLY = Duration.ofSeconds(3);
    private static final Duration SILENCE = Duration.ofMillis(150);
    private static final Duration HOLD = Duration.ofMillis(400);
    private static final int MAX_REPORTED = 20;

    /** A stable state of the lists; the admin is on every non-empty mask so it can undo it. */
    private record Phase(String name, long[] mask, long[] reserve) {
    }

    private static final Phase[] PHASES = {
        new Phase("free", new long[0], new long[0]),
        new Phase("reserved to initiator 0", new long[0], new long[] {MACS[0]}),
        new Phase("reserved to initiators 1 and 2", new long[0], new long[] {MACS[1], MACS[2]}),
        new Phase("masked to initiator 0", new long[] {ADMIN, MACS[0]}, new long[0]),
        new Phase("masked to 1 and 2, reserved to 2", new long[] {ADMIN, MACS[1], MACS[2]}, new long[] {MACS[2]}),
    };

    @TempDir
    Path dir;
    /** (epoch << 8) | phase index, or TRANSITION in the low byte while the lists change. */
    private final AtomicLong state = new AtomicLong(TRANSITION & 0xFF);
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder violationCount = new LongAdder();
    private final LongAdder writesAcked = new LongAdder();
    private final LongAdder sectorsVerified = new LongAdder();
    private final LongAdder refusals = new LongAdder();
    private final LongAdder silences = new LongAdder();
    private final LongAdder identifies = new LongAdder();
    private final LongAdder unsettled = new LongAdder();
    private long engineMac;
    private volatile boolean stop;

    @Test
    void writersNeverSeeTornSectorsAndGetExactlyTheRefusalsTheListsPrescribe() throws Exception {
        long seconds = Long.getLong("aoe.concurrency.seconds", 10);
        try (EngineFixture fx = EngineFixture.create(dir, 1500)) {
            Engine engine = fx.closeLater(new Engine(null, EngineFixture.HOST, Duration.ZERO));
            StoreSpec store = StoreSpec.of(fx.disk("shared.img", SECTORS * 512)).withWriteCache(WriteCache.WRITE_BACK);
            fx.pair.inA(() -> engine.add(fx.spec(SHELF, SLOT, store)));
            engineMac = fx.engineMac();
            RawSocket admin = fx.rawB();
            RawSocket[] sockets = new RawSocket[WRITERS];
            for (int i = 0; i < WRITERS; i++) {
                sockets[i] = fx.rawB();
            }
            List<Thread> threads = new ArrayList<>();
            List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < WRITERS; i++) {
                int id = i;
                threads.add(new Thread(() -> {
                    try {
                        writer(id, sockets[id]);
                    } catch (Throwable e) {
                        crashes.add(e);
                    }
                }, "initiator-" + i));
            }
            long[] phases = new long[1];
            threads.add(new Thread(() -> {
                try {
                    phases[0] = administer(admin);
                } catch (Throwable e) {
                    crashes.add(e);
                }
            }, "admin"));
            long start = System.nanoTime();
            threads.forEach(Thread::start);
            Thread.sleep(seconds * 1000);
            stop = true;
            for (Thread t : threads) {
                t.join(10_000);
                assertTrue(!t.isAlive(), t.getName() + " finished");
            }
            double took = (System.nanoTime() - start) / 1e9;
            assertEquals(List.of(), crashes, "threads that failed");
            System.out.printf("concurrency: %d initiators + 1 admin for %.1f s, %d list phases: %d writes acked,"
                    + " %d sector reads verified (0 torn), %d E+6 refusals and %d silences exactly as the lists"
                    + " prescribe, %d IDENTIFY, %d exchanges during list changes, %d violations%n", WRITERS, took,
                    phases[0], writesAcked.sum(), sectorsVerified.sum(), refusals.sum(), silences.sum(),
                    identifies.sum(), unsettled.sum(), violationCount.sum());
            assertEquals(0, violationCount.sum(), String.join("\n", violations));
            // The lists are free again (the admin ends on phase 0): the initiator still works. Its
            // socket queued every reply meant for the raw sockets until it overflowed: the first
            // query only empties it.
            fx.initiator.discover(EngineFixture.SILENCE);
            fx.assertWriteReadBack(fx.find(SHELF, SLOT), SECTORS - 8, 4096, 1);
            assertTrue(writesAcked.sum() > 0 && refusals.sum() > 0 && silences.sum() > 0,
                    "every kind of answer was exercised");
        }
    }

    // ---- the administrator ----

    private long administer(RawSocket s) throws IOException, InterruptedException {
        ByteBuffer f = EngineFixture.frame();
        int tag = 0x4000_0000;
        long epoch = 0;
        long changes = 0;
        int p = 0;
        do {
            state.set((++epoch << 8) | (TRANSITION & 0xFF));
            Phase phase = PHASES[p];
            AoeHeader.writeRequest(f, engineMac, ADMIN, SHELF, SLOT, AoeHeader.CMD_MASK, ++tag);
            long[] everyone = {ADMIN, MACS[0], MACS[1], MACS[2]};
            int d = 0;
            for (long mac : everyone) {
                MaskArg.putDirective(f, d++, MaskArg.DCMD_DELETE, mac);
            }
            for (long mac : phase.mask()) {
                MaskArg.putDirective(f, d++, MaskArg.DCMD_ADD, mac);
            }
            int length = AoeHeader.pad(f, MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, d));
            ByteBuffer edit = EngineFixture.frame().put(0, f, 0, length);
            int n = 0;
            for (int attempt = 0; attempt < 5 && n == 0; attempt++) { // the edit is idempotent
                f.put(0, edit, 0, length).putInt(AoeHeader.TAG, ++tag);
                n = exchange(s, f, length, ADMIN, REPLY);
            }
            long[] mask = new long[n > 0 ? MaskArg.directiveCount(f) : 0];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = MaskArg.mac(f, i);
            }
            check(n > 0 && !AoeHeader.isError(f) && MaskArg.merror(f) == 0 && Arrays.equals(mask, phase.mask()),
                    "mask edit for " + phase.name() + (n == 0 ? ": no answer" : " lists " + Arrays.toString(mask)));
            if (phase.reserve().length == 1) {
                // Set, not Force Set: allowed because nothing is reserved in the phase before.
                n = reserve(s, f, ++tag, ReserveArg.RCMD_SET, phase.reserve());
                if (n == 0) { // lost: if the first Set took effect, a second one is refused
                    n = reserve(s, f, ++tag, ReserveArg.RCMD_SET, phase.reserve());
                    check(n > 0 && ReserveArg.macCount(f) == 1 && ReserveArg.mac(f, 0) == phase.reserve()[0],
                            "reserve Set on a free target, retried");
                } else {
                    check(!AoeHeader.isError(f), "reserve Set on a free target");
                }
                // Another Set by a non-holder is refused with E + 6 and changes nothing.
                n = reserve(s, f, ++tag, ReserveArg.RCMD_SET, new long[] {ADMIN});
                check(n > 0 && AoeHeader.isError(f) && AoeHeader.error(f) == AoeHeader.ERR_TARGET_RESERVED
                        && ReserveArg.macCount(f) == 1 && ReserveArg.mac(f, 0) == phase.reserve()[0],
                        "reserve Set by a non-holder");
            } else {
                n = reserve(s, f, ++tag, ReserveArg.RCMD_FORCE_SET, phase.reserve());
                check(n > 0 && !AoeHeader.isError(f) && ReserveArg.macCount(f) == phase.reserve().length,
                        "reserve Force Set for " + phase.name());
            }
            state.set((++epoch << 8) | p);
            changes++;
            Thread.sleep(HOLD.toMillis());
            p = (p + 1) % PHASES.length;
        } while (!stop || p != 1); // end right after phase 0 ("free") was held
        return changes;
    }

    private int reserve(RawSocket s, ByteBuffer f, int tag, int rcmd, long[] macs) throws IOException {
        int n = 0;
        for (int attempt = 0; attempt < (rcmd == ReserveArg.RCMD_FORCE_SET ? 5 : 1) && n == 0; attempt++) {
            AoeHeader.writeRequest(f, engineMac, ADMIN, SHELF, SLOT, AoeHeader.CMD_RESERVE, tag + (attempt << 20));
            n = exchange(s, f, AoeHeader.pad(f, ReserveArg.write(f, rcmd, macs, macs.length)), ADMIN, REPLY);
        }
        return n;
    }

    // ---- an initiator ----

    private void writer(int id, RawSocket s) throws IOException {
        long me = MACS[id];
        SplittableRandom rng = new SplittableRandom(id * 7919L + 1);
        ByteBuffer f = EngineFixture.frame();
        long[] acked = new long[SECTORS_EACH];
        long[] sent = new long[SECTORS_EACH];
        long seq = 0;
        int tag = id << 24;
        while (!stop) {
            int op = rng.nextInt(10);
            int count = 1 + rng.nextInt(2);
            long lba;
            int opcode;
            int length;
            if (op < 5) {
                int at = rng.nextInt(SECTORS_EACH - count + 1);
                lba = (long) id * SECTORS_EACH + at;
                opcode = Ata.WRITE_SECTORS_EXT;
                EngineFixture.ata(f, engineMac, me, SHELF, SLOT, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, count,
                        opcode, lba, ++tag);
                for (int i = 0; i < count; i++) {
                    block(f, AtaArg.DATA + i * 512, id, ++seq, lba + i, rng);
                    sent[at + i] = seq;
                }
                length = AtaArg.DATA + count * 512;
            } else if (op < 9) {
                lba = rng.nextInt((int) (WRITERS * SECTORS_EACH) - count + 1);
                opcode = Ata.READ_SECTORS_EXT;
                length = EngineFixture.ata(f, engineMac, me, SHELF, SLOT, AtaArg.AFLAG_EXTENDED, count, opcode, lba,
                        ++tag);
            } else {
                lba = 0;
                count = 1;
                opcode = Ata.IDENTIFY_DEVICE;
                length = EngineFixture.ata(f, engineMac, me, SHELF, SLOT, 0, 1, opcode, 0, ++tag);
            }
            long[] ackedBefore = acked.clone();
            long before = state.get();
            int phaseIndex = (int) (before & 0xFF);
            boolean settled = phaseIndex != (TRANSITION & 0xFF);
            Phase phase = settled ? PHASES[phaseIndex] : null;
            boolean maskedOut = settled && phase.mask().length > 0 && !contains(phase.mask(), me);
            boolean refused = settled && !maskedOut && opcode != Ata.IDENTIFY_DEVICE && phase.reserve().length > 0
                    && !contains(phase.reserve(), me);
            int n = exchange(s, f, AoeHeader.pad(f, length), me, maskedOut ? SILENCE : settled ? REPLY : SILENCE);
            settled &= state.get() == before;
            if (!settled) {
                unsettled.increment();
            }
            String what = "initiator " + id + " " + (opcode == Ata.WRITE_SECTORS_EXT ? "write" : opcode
                    == Ata.READ_SECTORS_EXT ? "read" : "identify") + " of LBA " + lba + " in phase "
                    + (settled ? phase.name() : "(changing)");
            if (n == 0) {
                check(!settled || maskedOut, what + ": no answer");
                if (settled) {
                    silences.increment();
                }
                continue;
            }
            check(!settled || !maskedOut, what + ": answered although masked out");
            if (AoeHeader.isError(f)) {
                check(AoeHeader.error(f) == AoeHeader.ERR_TARGET_RESERVED && opcode != Ata.IDENTIFY_DEVICE,
                        what + ": AoE error " + AoeHeader.error(f));
                check(!settled || refused, what + ": refused with E + 6 outside a reservation");
                if (settled) {
                    refusals.increment();
                }
                continue;
            }
            check(!settled || !refused, what + ": served although reserved to another");
            if (AtaArg.status(f) != Ata.STATUS_OK) {
                check(false, what + ": ATA status 0x" + Integer.toHexString(AtaArg.status(f)));
                continue;
            }
            if (opcode == Ata.WRITE_SECTORS_EXT) {
                writesAcked.increment();
                int at = (int) (lba - (long) id * SECTORS_EACH);
                for (int i = 0; i < count; i++) {
                    acked[at + i] = Math.max(acked[at + i], sent[at + i]);
                }
            } else if (opcode == Ata.READ_SECTORS_EXT) {
                check(n >= AtaArg.DATA + count * 512, what + ": reply of " + n + " bytes");
                for (int i = 0; i < count && n >= AtaArg.DATA + count * 512; i++) {
                    verify(f, AtaArg.DATA + i * 512, lba + i, id, ackedBefore, sent, what);
                }
            } else {
                identifies.increment();
            }
        }
    }

    /** One sector: writer id, sequence number, LBA, random bytes, checksum of all that. */
    private static void block(ByteBuffer f, int at, int id, long seq, long lba, SplittableRandom rng) {
        f.putInt(at, id).putLong(at + 4, seq).putLong(at + 12, lba);
        for (int i = 20; i < 504; i += 4) {
            f.putInt(at + i, rng.nextInt());
        }
        f.putLong(at + 504, checksum(f, at));
    }

    private static long checksum(ByteBuffer f, int at) {
        long h = 0xCBF2_9CE4_8422_2325L;
        for (int i = 0; i < 504; i += 8) {
            h = (h ^ f.getLong(at + i)) * 0x0100_0000_01B3L;
            h ^= h >>> 29;
        }
        return h;
    }

    private void verify(ByteBuffer f, int at, long lba, int reader, long[] ackedBefore, long[] sent, String what) {
        boolean zero = true;
        for (int i = 0; i < 512 && zero; i += 8) {
            zero = f.getLong(at + i) == 0;
        }
        int owner = (int) (lba / SECTORS_EACH);
        int index = (int) (lba % SECTORS_EACH);
        if (zero) {
            check(owner != reader || ackedBefore[index] == 0, what + ": sector " + lba + " is zero after a write");
        } else {
            int writer = f.getInt(at);
            long seq = f.getLong(at + 4);
            check(f.getLong(at + 504) == checksum(f, at) && writer == owner && f.getLong(at + 12) == lba,
                    what + ": sector " + lba + " is torn or misplaced (writer " + writer + ", LBA field "
                            + f.getLong(at + 12) + ")");
            if (owner == reader) {
                check(seq >= ackedBefore[index] && seq <= sent[index], what + ": own sector " + lba + " holds sequence "
                        + seq + ", acknowledged " + ackedBefore[index] + ", last sent " + sent[index]);
            }
        }
        sectorsVerified.increment();
    }

    // ---- frames ----

    /** Sends and waits for the reply to {@code me} with the same tag; returns its length or 0. */
    private static int exchange(RawSocket s, ByteBuffer f, int length, long me, Duration timeout) throws IOException {
        int tag = AoeHeader.tag(f);
        s.setReceiveTimeout(Duration.ofMillis(10));
        s.send(f, length);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int n = s.receive(f);
            if (n >= AoeHeader.LENGTH && AoeHeader.etherType(f) == AoeHeader.ETHERTYPE_AOE && AoeHeader.isResponse(f)
                    && AoeHeader.destination(f) == me && AoeHeader.tag(f) == tag) {
                return n;
            }
        }
        return 0;
    }

    private static boolean contains(long[] list, long mac) {
        return Arrays.stream(list).anyMatch(m -> m == mac);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            violationCount.increment();
            if (violations.size() < MAX_REPORTED) {
                violations.add(what);
            }
        }
    }
}
