package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.aoe.store.WriteCache;
import dev.aoe.testing.EngineFixture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded stream of at least a million generated and mutated frames (every command, every
 * length from 14 bytes to MTU + 14, random flags, version nibbles, addresses incl. broadcast,
 * LBAs incl. out of range and LBA28 device bits) against one live engine on a veth link.
 *
 * <p>What must hold: the engine keeps serving; every reply is a response from the engine's MAC
 * with a real shelf.slot it serves and the frame was addressed to, echoes the tag of a frame that
 * was sent, answers each frame at most once per export, uses the E flag only with a code the
 * command allows, and reports ATA results only as 0x40 or 0x41 with ABRT/IDNF. Reads return
 * only data that is there. The data is checked at the end: export 1 is filled with a known
 * pattern, and the generator records every WRITE that could be valid (right address, version 1,
 * count within the maximum, payload long enough, in range); such writes are steered into a
 * small LBA region, so every sector outside it must still hold the pattern and every sector in
 * it either the pattern or the payload of one of those writes. Export 2 on the same link only
 * ever gets broadcasts and must be byte-identical afterwards.
 *
 * <p>Reproduce a run with {@code -Daoe.fuzz.seed=N}; {@code -Daoe.fuzz.frames=N} changes the
 * number of frames.
 */
class FrameFuzzTest {
    private static final int MTU = 1500;
    private static final int MAX_FRAME = MTU + AoeHeader.ETHERNET_HEADER;
    private static final int MAX_SECTORS = (MTU - AtaArg.DATA) / Ata.SECTOR_SIZE;
    private static final int SHELF = 5;
    private static final int SLOT_FUZZED = 1;
    private static final int SLOT_QUIET = 2;
    private static final long SECTORS = 2048;
    private static final long QUIET_SECTORS = 512;
    /** Writes that could be valid land only in [REGION, REGION + REGION_SECTORS). */
    private static final long REGION = 64;
    private static final int REGION_SECTORS = 32;
    private static final int BURST = 256;
    /** Source MACs of the generator; mask lists only ever hold these (see {@link #fixMask}). */
    private static final long[] SOURCES = {0x02_00_00_00_fe_01L, 0x02_00_00_00_fe_02L, 0x02_00_00_00_fe_03L,
        0x02_00_00_00_fe_04L};
    private static final String[] STRINGS = {"", "a", "ab", "abc", "fuzz", "fuzz-target"};
    private static final int[] OPCODES = {Ata.READ_SECTORS, Ata.READ_SECTORS_EXT, Ata.WRITE_SECTORS,
        Ata.WRITE_SECTORS_EXT, Ata.IDENTIFY_DEVICE, Ata.FLUSH_CACHE, Ata.FLUSH_CACHE_EXT, Ata.CHECK_POWER_MODE,
        Ata.SMART};
    private static final int MAX_REPORTED = 20;
    /** In {@link #sentTakers}: the frame was addressed with a broadcast shelf or slot. */
    private static final int BROADCAST = 4;

    @TempDir
    Path dir;

    private long seed;
    private SplittableRandom rng;
    private long engineMac;
    // What was sent, by tag (= frame number).
    private byte[] sentCommand;
    private byte[] sentOpcode;
    private byte[] sentCount;
    /** Bit 0: export 1 takes the frame, bit 1: export 2 does (address, flags, version, length); bit 2 broadcast. */
    private byte[] sentTakers;
    private byte[] repliesFuzzed;
    private byte[] repliesQuiet;
    private final List<Set<Long>> candidates = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private long violationCount;
    private long replies;
    private long errorReplies;
    private long readsVerified;
    private long legitWrites;
    private long steeredWrites;
    private long repairs;

    @Test
    void aMillionMalformedFramesLeaveTheEngineServingAndTheDataIntact() throws Exception {
        seed = Long.getLong("aoe.fuzz.seed", System.nanoTime());
        int frames = Integer.getInteger("aoe.fuzz.frames", 1_000_000);
        System.out.println("fuzz: seed " + seed + " (reproduce with -Daoe.fuzz.seed=" + seed + ")");
        rng = new SplittableRandom(seed);
        sentCommand = new byte[frames];
        sentOpcode = new byte[frames];
        sentCount = new byte[frames];
        sentTakers = new byte[frames];
        repliesFuzzed = new byte[frames];
        repliesQuiet = new byte[frames];
        for (int i = 0; i < REGION_SECTORS; i++) {
            Set<Long> s = new HashSet<>();
            s.add(hash(pattern(1, REGION + i)));
            candidates.add(s);
        }

        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getMessage() + (r.getThrown() == null ? "" : ": " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.aoe");
        logger.addHandler(capture);
        try (EngineFixture fx = EngineFixture.create(dir, MTU)) {
            Path fuzzed = patternFile(fx, "fuzzed.img", 1, SECTORS);
            Path quiet = patternFile(fx, "quiet.img", 2, QUIET_SECTORS);
            byte[] quietSha = EngineFixture.sha256(Files.readAllBytes(quiet));
            // State in memory: every mask, reserve and config edit would otherwise fsync a file.
            Engine engine = fx.closeLater(new Engine(null, EngineFixture.HOST, Duration.ZERO));
            StoreSpec fuzzedStore = StoreSpec.of(fuzzed).withWriteCache(WriteCache.WRITE_BACK);
            fx.pair.inA(() -> engine.add(fx.spec(SHELF, SLOT_FUZZED, fuzzedStore)));
            fx.pair.inA(() -> engine.add(fx.spec(SHELF, SLOT_QUIET, StoreSpec.of(quiet))));
            engineMac = fx.engineMac();
            RawSocket raw = fx.rawB();
            raw.setBufferSizes(32 << 20, 8 << 20);

            long start = System.nanoTime();
            stream(raw, frames);
            double seconds = (System.nanoTime() - start) / 1e9;

            // Afterwards: nobody is masked out or locked out, and the engine still serves.
            repair(raw);
            drain(raw, Duration.ofMillis(300));
            // The initiator's own socket queued replies meant for the fuzzer until it overflowed:
            // the first query only empties it.
            fx.initiator.discover(EngineFixture.SILENCE);
            List<TargetInfo> found = fx.initiator.discover(EngineFixture.SILENCE);
            assertEquals(2, found.stream().filter(t -> t.shelf() == SHELF).count(), "discovery after the stream: " + found);
            TargetInfo t = fx.find(SHELF, SLOT_FUZZED);
            byte[] data = EngineFixture.random(seed, 2 * Ata.SECTOR_SIZE);
            fx.write(t, REGION, data);
            assertArrayEquals(data, fx.read(t, REGION, data.length), "write and read back after the stream");
            candidates.get(0).add(hash(Arrays.copyOfRange(data, 0, 512)));
            candidates.get(1).add(hash(Arrays.copyOfRange(data, 512, 1024)));
            assertArrayEquals(pattern(1, 0), fx.read(t, 0, 512), "sector 0 read through the initiator");
            assertEquals(2, engine.status().size(), "both exports still served");

            long outside = checkFuzzedFile(fuzzed);
            assertArrayEquals(quietSha, EngineFixture.sha256(Files.readAllBytes(quiet)),
                    "export 2, only ever reached by broadcasts, is byte-identical");
            System.out.printf("fuzz: %d frames in %.1f s (seed %d), 0 crashes, %d replies (%d AoE errors, all"
                    + " allowed), %d read replies verified, %d legitimate writes (%d steered into LBA %d-%d),"
                    + " %d sectors outside them byte-identical, export 2 byte-identical, %d mask/reserve repairs,"
                    + " %d violations, %d warnings logged%n", frames, seconds, seed, replies, errorReplies, readsVerified,
                    legitWrites, steeredWrites, REGION, REGION + REGION_SECTORS - 1, outside, repairs, violationCount,
                    warnings.size());
            assertEquals(0, violationCount, "violations (seed " + seed + "):\n" + String.join("\n", violations));
            assertEquals(List.of(), warnings, "the engine met no internal error (seed " + seed + ")");
        } finally {
            logger.removeHandler(capture);
        }
    }

    // ---- the stream ----

    private void stream(RawSocket raw, int frames) throws IOException {
        ByteBuffer[] tx = new ByteBuffer[BURST];
        int[] lengths = new int[BURST];
        for (int i = 0; i < BURST; i++) {
            tx[i] = ByteBuffer.allocateDirect(MAX_FRAME);
        }
        raw.setReceiveTimeout(Duration.ofMillis(1));
        int sent = 0;
        int burstNo = 0;
        while (sent < frames) {
            int n = Math.min(BURST, frames - sent);
            boolean stateEdits = false;
            for (int i = 0; i < n; i++) {
                lengths[i] = generate(tx[i], sent + i);
                stateEdits |= record(tx[i], lengths[i], sent + i);
            }
            raw.sendBatch(tx, lengths, n);
            sent += n;
            drain(raw, Duration.ofMillis(1));
            if (stateEdits && ++burstNo % 4 == 0) {
                repair(raw);
            }
        }
        drain(raw, Duration.ofMillis(500));
    }

    /** Clears the mask and reserve lists of both exports, whichever generator MAC is still let in. */
    private void repair(RawSocket raw) throws IOException {
        repairs++;
        ByteBuffer[] tx = new ByteBuffer[SOURCES.length * 4];
        int[] lengths = new int[tx.length];
        int k = 0;
        for (long source : SOURCES) {
            for (boolean broadcast : new boolean[] {false, true}) {
                int shelf = broadcast ? AoeHeader.BROADCAST_SHELF : SHELF;
                int slot = broadcast ? AoeHeader.BROADCAST_SLOT : SLOT_FUZZED;
                ByteBuffer f = ByteBuffer.allocateDirect(MAX_FRAME);
                AoeHeader.writeRequest(f, engineMac, source, shelf, slot, AoeHeader.CMD_MASK, -1);
                for (int i = 0; i < SOURCES.length; i++) {
                    MaskArg.putDirective(f, i, MaskArg.DCMD_DELETE, SOURCES[i]);
                }
                f.put(MaskArg.RESERVED, (byte) 0);
                lengths[k] = AoeHeader.pad(f, MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, SOURCES.length));
                tx[k++] = f;
                ByteBuffer r = ByteBuffer.allocateDirect(MAX_FRAME);
                AoeHeader.writeRequest(r, engineMac, source, shelf, slot, AoeHeader.CMD_RESERVE, -1);
                lengths[k] = AoeHeader.pad(r, ReserveArg.write(r, ReserveArg.RCMD_FORCE_SET, new long[0], 0));
                tx[k++] = r;
            }
        }
        raw.sendBatch(tx, lengths, k);
        drain(raw, Duration.ofMillis(5));
    }

    /** Receives and checks replies until none came for {@code quiet}. */
    private void drain(RawSocket raw, Duration quiet) throws IOException {
        ByteBuffer[] rx = rxBuffers();
        int[] lengths = new int[rx.length];
        raw.setReceiveTimeout(quiet);
        int n;
        while ((n = raw.receiveBatch(rx, lengths)) > 0) {
            for (int i = 0; i < n; i++) {
                classify(rx[i], lengths[i]);
            }
        }
    }

    private ByteBuffer[] rxBuffersCache;

    private ByteBuffer[] rxBuffers() {
        if (rxBuffersCache == null) {
            rxBuffersCache = new ByteBuffer[RawSocket.MAX_BATCH];
            for (int i = 0; i < rxBuffersCache.length; i++) {
                rxBuffersCache[i] = ByteBuffer.allocateDirect(EngineFixture.FRAME_BYTES);
            }
        }
        return rxBuffersCache;
    }

    // ---- generation ----

    /** Writes frame number {@code tag} into {@code f}; returns its length (14..MTU + 14). */
    private int generate(ByteBuffer f, int tag) {
        int shelf = SHELF;
        int slot = SLOT_FUZZED;
        int a = rng.nextInt(100);
        if (a < 8) {
            shelf = AoeHeader.BROADCAST_SHELF;
            slot = AoeHeader.BROADCAST_SLOT;
        } else if (a < 11) {
            shelf = AoeHeader.BROADCAST_SHELF;
            slot = rng.nextBoolean() ? SLOT_FUZZED : rng.nextInt(256);
        } else if (a < 14) {
            slot = AoeHeader.BROADCAST_SLOT;
        } else if (a < 20) {
            shelf = rng.nextInt(0x10000);
            slot = rng.nextInt(256);
        }
        long source = rng.nextInt(10) == 0 ? rng.nextLong() & MacAddress.BROADCAST : SOURCES[rng.nextInt(SOURCES.length)];
        int c = rng.nextInt(100);
        int command = c < 50 ? AoeHeader.CMD_ATA : c < 65 ? AoeHeader.CMD_CONFIG : c < 75 ? AoeHeader.CMD_MASK
                : c < 85 ? AoeHeader.CMD_RESERVE : c < 93 ? 4 + rng.nextInt(AoeHeader.CMD_VENDOR_MIN - 4)
                : AoeHeader.CMD_VENDOR_MIN + rng.nextInt(16);
        AoeHeader.writeRequest(f, rng.nextInt(20) == 0 ? MacAddress.BROADCAST : engineMac, source, shelf, slot,
                command, tag);
        if (rng.nextInt(8) == 0) {
            f.put(AoeHeader.VERSION_FLAGS, (byte) rng.nextInt(256));
        }
        if (rng.nextInt(10) == 0) {
            f.put(AoeHeader.ERROR, (byte) rng.nextInt(256));
        }
        int length = switch (command) {
            case AoeHeader.CMD_ATA -> ata(f);
            case AoeHeader.CMD_CONFIG -> config(f);
            case AoeHeader.CMD_MASK -> mask(f);
            case AoeHeader.CMD_RESERVE -> reserve(f);
            default -> garbage(f, AoeHeader.LENGTH, AoeHeader.LENGTH + rng.nextInt(MAX_FRAME - AoeHeader.LENGTH + 1));
        };
        length = Math.min(length, MAX_FRAME);
        if (rng.nextInt(5) == 0) {
            length = randomLength(f, length);
        }
        if (rng.nextInt(4) == 0) {
            for (int i = 1 + rng.nextInt(4); i > 0; i--) {
                int at = AoeHeader.VERSION_FLAGS + rng.nextInt(Math.max(1, length - AoeHeader.VERSION_FLAGS));
                if (at < AoeHeader.TAG || at >= AoeHeader.TAG + 4) { // the tag identifies the frame
                    f.put(at, (byte) rng.nextInt(256));
                }
            }
        }
        if (rng.nextInt(200) == 0) {
            f.putShort(AoeHeader.ETHERTYPE, (short) rng.nextInt(0x10000));
        }
        // Export 2 is reached only by broadcast: a mutation must not address it directly.
        if (AoeHeader.shelf(f) == SHELF && AoeHeader.slot(f) == SLOT_QUIET) {
            f.put(AoeHeader.SLOT, (byte) SLOT_FUZZED);
        }
        fixMask(f, length);
        steerWrite(f, length);
        return length;
    }

    /** A new length in [14, MTU + 14]; bytes past the old end are random. */
    private int randomLength(ByteBuffer f, int length) {
        int r = rng.nextInt(10);
        int next = r < 3 ? AoeHeader.ETHERNET_HEADER + rng.nextInt(AtaArg.DATA + 4 - AoeHeader.ETHERNET_HEADER)
                : r < 5 ? Math.max(AoeHeader.ETHERNET_HEADER, length - 1 - rng.nextInt(16))
                : AoeHeader.ETHERNET_HEADER + rng.nextInt(MAX_FRAME - AoeHeader.ETHERNET_HEADER + 1);
        if (next > length) {
            garbage(f, length, next);
        }
        return next;
    }

    /** Fills [from, to) with random bytes; returns {@code to}. */
    private int garbage(ByteBuffer f, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            f.putLong(i, rng.nextLong());
        }
        for (; i < to; i++) {
            f.put(i, (byte) rng.nextInt(256));
        }
        return to;
    }

    private int ata(ByteBuffer f) {
        int opcode = rng.nextInt(8) == 0 ? rng.nextInt(256) : OPCODES[rng.nextInt(OPCODES.length)];
        boolean write = Ata.isWrite(opcode);
        int aflags = rng.nextInt(6) == 0 ? rng.nextInt(256)
                : (Ata.isExtended(opcode) ? AtaArg.AFLAG_EXTENDED : 0) | (write ? AtaArg.AFLAG_WRITE : 0);
        int cr = rng.nextInt(20);
        int count = cr < 2 ? 0 : cr < 9 ? 1 : cr < 16 ? 2 : cr < 18 ? 3 : rng.nextInt(256);
        if (opcode == Ata.CHECK_POWER_MODE || Ata.isFlush(opcode) || opcode == Ata.SMART) {
            count = rng.nextInt(3) == 0 ? rng.nextInt(256) : 0;
        } else if (opcode == Ata.IDENTIFY_DEVICE && rng.nextInt(4) != 0) {
            count = 1;
        }
        long lba;
        int l = rng.nextInt(16);
        if (l < 6) {
            lba = REGION + rng.nextInt(REGION_SECTORS + 2) - 1;
        } else if (l < 8) {
            lba = SECTORS - 3 + rng.nextInt(6);
        } else if (l < 10) {
            lba = rng.nextLong(SECTORS);
        } else if (l < 12) {
            lba = rng.nextLong(1L << 28);
        } else if (l < 14) {
            lba = rng.nextLong(1L << 48);
        } else {
            lba = (rng.nextBoolean() ? (1L << 28) : (1L << 48)) - 1 - rng.nextInt(4);
        }
        AtaArg.writeRequest(f, aflags, rng.nextInt(10) == 0 ? rng.nextInt(256) : 0, count, opcode, lba);
        if (!Ata.isExtended(opcode) && rng.nextInt(3) != 0) {
            // LBA28: the device register's obsolete and LBA bits ride in lba3's high nibble.
            int dev = rng.nextBoolean() ? 0xE0 : rng.nextInt(16) << 4;
            f.put(AtaArg.LBA + 3, (byte) (dev | (f.get(AtaArg.LBA + 3) & 0x0F)));
        }
        int data = write || rng.nextInt(10) == 0 ? count * Ata.SECTOR_SIZE : 0;
        int length = Math.min(MAX_FRAME, AtaArg.DATA + data);
        return garbage(f, AtaArg.DATA, length);
    }

    private int config(ByteBuffer f) {
        int ccmd = rng.nextInt(6) == 0 ? rng.nextInt(16) : rng.nextInt(5);
        byte[] s = STRINGS[rng.nextInt(STRINGS.length)].getBytes(StandardCharsets.US_ASCII);
        int n = ConfigArg.writeRequest(f, ccmd, s);
        if (rng.nextInt(4) == 0) {
            f.put(ConfigArg.VERSION_CCMD, (byte) ((rng.nextInt(16) << 4) | ccmd));
        }
        if (rng.nextInt(8) == 0) {
            f.putShort(ConfigArg.STRING_LENGTH, (short) rng.nextInt(rng.nextBoolean() ? 1100 : 0x10000));
        }
        if (rng.nextInt(10) == 0) { // aoeping's 1024 filler bytes and the like
            int extra = rng.nextInt(1025);
            garbage(f, n, n + extra);
            n += extra;
        }
        return n;
    }

    private int mask(ByteBuffer f) {
        int mcmd = rng.nextInt(8) == 0 ? rng.nextInt(256) : rng.nextInt(2);
        int count = rng.nextInt(8) == 0 ? rng.nextInt(256) : rng.nextInt(5);
        int room = Math.min(count, (MAX_FRAME - MaskArg.DIRECTIVES) / MaskArg.DIRECTIVE_LENGTH);
        for (int i = 0; i < room; i++) {
            int dcmd = rng.nextInt(10) == 0 ? rng.nextInt(256) : rng.nextInt(3);
            MaskArg.putDirective(f, i, dcmd, SOURCES[rng.nextInt(SOURCES.length)]);
            if (rng.nextInt(20) == 0) {
                f.put(MaskArg.DIRECTIVES + i * MaskArg.DIRECTIVE_LENGTH, (byte) rng.nextInt(256));
            }
        }
        int n = MaskArg.writeHeader(f, mcmd, rng.nextInt(10) == 0 ? rng.nextInt(256) : 0, count);
        f.put(MaskArg.RESERVED, (byte) (rng.nextInt(10) == 0 ? rng.nextInt(256) : 0));
        return Math.min(n, MaskArg.DIRECTIVES + room * MaskArg.DIRECTIVE_LENGTH);
    }

    private int reserve(ByteBuffer f) {
        int rcmd = rng.nextInt(8) == 0 ? rng.nextInt(256) : rng.nextInt(3);
        int count = rng.nextInt(8) == 0 ? rng.nextInt(256) : rng.nextInt(4);
        int room = Math.min(count, (MAX_FRAME - ReserveArg.MACS) / MacAddress.LENGTH);
        long[] macs = new long[room];
        for (int i = 0; i < room; i++) {
            macs[i] = rng.nextInt(3) == 0 ? rng.nextLong() & MacAddress.BROADCAST : SOURCES[rng.nextInt(SOURCES.length)];
        }
        int n = ReserveArg.write(f, rcmd, macs, room);
        f.put(ReserveArg.MAC_COUNT, (byte) count);
        return n;
    }

    /**
     * A mask edit may add only the generator's own MACs, so that {@link #repair} can always
     * reach the target again: any other MAC an edit would add is turned into a delete.
     */
    private static void fixMask(ByteBuffer f, int length) {
        if (length < MaskArg.DIRECTIVES || AoeHeader.etherType(f) != AoeHeader.ETHERTYPE_AOE
                || AoeHeader.command(f) != AoeHeader.CMD_MASK || MaskArg.mcmd(f) != MaskArg.MCMD_EDIT) {
            return;
        }
        int count = MaskArg.directiveCount(f);
        for (int i = 0; i < count && MaskArg.DIRECTIVES + (i + 1) * MaskArg.DIRECTIVE_LENGTH <= length; i++) {
            int dcmd = MaskArg.dcmd(f, i);
            if (dcmd == MaskArg.DCMD_ADD && !isSource(MaskArg.mac(f, i))) {
                f.put(MaskArg.DIRECTIVES + i * MaskArg.DIRECTIVE_LENGTH + 1, (byte) MaskArg.DCMD_DELETE);
            } else if (dcmd > MaskArg.DCMD_DELETE) {
                return;
            }
        }
    }

    private static boolean isSource(long mac) {
        for (long s : SOURCES) {
            if (s == mac) {
                return true;
            }
        }
        return false;
    }

    /** Which exports take the frame: bit 0 export 1, bit 1 export 2 (as r11 §1.8 addresses them). */
    private static int takers(ByteBuffer f, int length) {
        if (length < AoeHeader.LENGTH || AoeHeader.etherType(f) != AoeHeader.ETHERTYPE_AOE
                || AoeHeader.isResponse(f) || AoeHeader.version(f) != AoeHeader.VERSION) {
            return 0;
        }
        int shelf = AoeHeader.shelf(f);
        int slot = AoeHeader.slot(f);
        int takers = (AoeHeader.addressedTo(shelf, slot, SHELF, SLOT_FUZZED) ? 1 : 0)
                | (AoeHeader.addressedTo(shelf, slot, SHELF, SLOT_QUIET) ? 2 : 0);
        boolean broadcast = shelf == AoeHeader.BROADCAST_SHELF || slot == AoeHeader.BROADCAST_SLOT;
        return takers == 0 ? 0 : takers | (broadcast ? BROADCAST : 0);
    }

    /** The sector range a valid WRITE would change, or null when the frame cannot write. */
    private static long[] writeRange(ByteBuffer f, int length) {
        if ((takers(f, length) & 1) == 0 || AoeHeader.shelf(f) != SHELF || AoeHeader.slot(f) != SLOT_FUZZED
                || AoeHeader.command(f) != AoeHeader.CMD_ATA || length < AtaArg.DATA) {
            return null;
        }
        int opcode = AtaArg.command(f);
        int count = AtaArg.sectorCount(f);
        if (!Ata.isWrite(opcode) || count == 0 || count > MAX_SECTORS
                || length < AtaArg.DATA + count * Ata.SECTOR_SIZE) {
            return null;
        }
        long lba = Ata.maskLba(opcode, AtaArg.lba(f));
        return lba + count > SECTORS ? null : new long[] {lba, count};
    }

    /** A WRITE that could be valid goes into the region; its LBA is moved there when needed. */
    private void steerWrite(ByteBuffer f, int length) {
        long[] range = writeRange(f, length);
        if (range == null || (range[0] >= REGION && range[0] + range[1] <= REGION + REGION_SECTORS)) {
            return;
        }
        long lba = REGION + rng.nextInt(REGION_SECTORS - (int) range[1] + 1);
        int opcode = AtaArg.command(f);
        if (Ata.isExtended(opcode)) {
            AtaArg.putLba(f, lba);
        } else {
            int dev = f.get(AtaArg.LBA + 3) & 0xF0;
            AtaArg.putLba(f, lba | ((long) dev << 24));
            f.put(AtaArg.LBA + 4, (byte) rng.nextInt(256)); // ignored in LBA28
        }
        steeredWrites++;
    }

    /** Records what was sent; returns whether the frame may edit a mask or reserve list. */
    private boolean record(ByteBuffer f, int length, int tag) {
        int takers = takers(f, length);
        sentTakers[tag] = (byte) takers;
        sentCommand[tag] = length > AoeHeader.COMMAND ? f.get(AoeHeader.COMMAND) : 0;
        sentOpcode[tag] = length > AtaArg.CMD_STATUS ? f.get(AtaArg.CMD_STATUS) : 0;
        sentCount[tag] = length > AtaArg.SECTOR_COUNT ? f.get(AtaArg.SECTOR_COUNT) : 0;
        long[] range = writeRange(f, length);
        if (range != null) {
            legitWrites++;
            byte[] sector = new byte[Ata.SECTOR_SIZE];
            for (int i = 0; i < range[1]; i++) {
                f.get(AtaArg.DATA + i * Ata.SECTOR_SIZE, sector);
                candidates.get((int) (range[0] + i - REGION)).add(hash(sector));
            }
        }
        int command = sentCommand[tag] & 0xFF;
        return takers != 0 && (command == AoeHeader.CMD_MASK || command == AoeHeader.CMD_RESERVE);
    }

    // ---- classifying replies ----

    private void classify(ByteBuffer f, int n) {
        if (n < AoeHeader.LENGTH || AoeHeader.etherType(f) != AoeHeader.ETHERTYPE_AOE) {
            violation(f, n, "runt or foreign frame");
            return;
        }
        int tag = AoeHeader.tag(f);
        if (tag == -1 && (AoeHeader.command(f) == AoeHeader.CMD_MASK || AoeHeader.command(f) == AoeHeader.CMD_RESERVE)) {
            return; // a repair
        }
        replies++;
        if (tag < 0 || tag >= sentTakers.length) {
            violation(f, n, "tag of no frame sent");
            return;
        }
        int flags = f.get(AoeHeader.VERSION_FLAGS) & 0xFF;
        if ((flags & 0xFB) != 0x18) {
            violation(f, n, "flags 0x" + Integer.toHexString(flags) + " are not version 1 with R");
        }
        if (AoeHeader.source(f) != engineMac) {
            violation(f, n, "not from the engine's MAC");
        }
        if (n < AoeHeader.MIN_FRAME) {
            violation(f, n, "shorter than 60 bytes");
        }
        int export = AoeHeader.shelf(f) == SHELF && AoeHeader.slot(f) == SLOT_FUZZED ? 1
                : AoeHeader.shelf(f) == SHELF && AoeHeader.slot(f) == SLOT_QUIET ? 2 : 0;
        if (export == 0 || (sentTakers[tag] & export) == 0) {
            violation(f, n, "reply from e" + AoeHeader.shelf(f) + "." + AoeHeader.slot(f) + " to a frame taken by mask "
                    + sentTakers[tag]);
            return;
        }
        byte[] count = export == 1 ? repliesFuzzed : repliesQuiet;
        if (++count[tag] > 1) {
            violation(f, n, "second reply to one frame");
        }
        int command = sentCommand[tag] & 0xFF;
        if (AoeHeader.command(f) != command) {
            violation(f, n, "command " + AoeHeader.command(f) + " answers command " + command);
            return;
        }
        if (command >= AoeHeader.CMD_VENDOR_MIN) {
            violation(f, n, "vendor command answered");
        }
        if (AoeHeader.isError(f) || AoeHeader.error(f) != 0) {
            errorReplies++;
            int code = AoeHeader.error(f);
            boolean allowed = AoeHeader.isError(f) && switch (command) {
                case AoeHeader.CMD_ATA -> code == AoeHeader.ERR_BAD_ARGUMENT || code == AoeHeader.ERR_TARGET_RESERVED
                        || code == AoeHeader.ERR_DEVICE_UNAVAILABLE;
                case AoeHeader.CMD_CONFIG -> code == AoeHeader.ERR_BAD_ARGUMENT
                        || code == AoeHeader.ERR_CONFIG_STRING_PRESENT;
                case AoeHeader.CMD_MASK -> code == AoeHeader.ERR_BAD_ARGUMENT;
                case AoeHeader.CMD_RESERVE -> code == AoeHeader.ERR_BAD_ARGUMENT
                        || code == AoeHeader.ERR_TARGET_RESERVED;
                default -> code == AoeHeader.ERR_BAD_COMMAND;
            };
            if (!allowed) {
                violation(f, n, "error " + code + " (E " + AoeHeader.isError(f) + ") to command " + command);
            }
            if (command == AoeHeader.CMD_ATA && code == AoeHeader.ERR_TARGET_RESERVED
                    && (sentOpcode[tag] & 0xFF) == Ata.IDENTIFY_DEVICE) {
                violation(f, n, "IDENTIFY refused for a reservation");
            }
            return;
        }
        if (command == AoeHeader.CMD_ATA) {
            ataReply(f, n, tag, export);
        } else if (command == AoeHeader.CMD_CONFIG) {
            if ((f.get(ConfigArg.VERSION_CCMD) & 0xF0) != 0x10 || ConfigArg.bufferCount(f) != EngineFixture.BUFFER_COUNT
                    || ConfigArg.sectorCount(f) != MAX_SECTORS) {
                violation(f, n, "config reply parameters");
            }
        } else if (command > AoeHeader.CMD_RESERVE) {
            violation(f, n, "unknown command answered without error 1");
        }
    }

    private void ataReply(ByteBuffer f, int n, int tag, int export) {
        int opcode = sentOpcode[tag] & 0xFF;
        int status = AtaArg.status(f);
        int error = AtaArg.error(f);
        if (!(status == Ata.STATUS_OK && error == 0)
                && !(status == Ata.STATUS_FAILED && (error == Ata.ERROR_ABRT || error == Ata.ERROR_IDNF))) {
            violation(f, n, "ATA status 0x" + Integer.toHexString(status) + " error 0x" + Integer.toHexString(error));
            return;
        }
        if ((sentTakers[tag] & BROADCAST) != 0 && opcode != Ata.IDENTIFY_DEVICE) {
            violation(f, n, "broadcast ATA other than IDENTIFY answered");
        }
        if (status != Ata.STATUS_OK) {
            return;
        }
        if (opcode == Ata.IDENTIFY_DEVICE) {
            if (n != AtaArg.DATA + Ata.SECTOR_SIZE) {
                violation(f, n, "IDENTIFY reply of " + n + " bytes");
            }
        } else if (Ata.isRead(opcode)) {
            if (export != 1) {
                violation(f, n, "read answered by export 2 (only broadcasts reach it)");
                return;
            }
            verifyRead(f, n, sentCount[tag] & 0xFF, Ata.maskLba(opcode, AtaArg.lba(f)));
        } else if (!Ata.isWrite(opcode) && !Ata.isFlush(opcode) && opcode != Ata.CHECK_POWER_MODE) {
            violation(f, n, "opcode 0x" + Integer.toHexString(opcode) + " succeeded");
        }
    }

    /** A read returns the pattern outside the region and a pattern or written sector inside it. */
    private void verifyRead(ByteBuffer f, int n, int sectors, long lba) {
        if (n != Math.max(AoeHeader.MIN_FRAME, AtaArg.DATA + sectors * Ata.SECTOR_SIZE)) {
            violation(f, n, "read reply of " + n + " bytes");
            return;
        }
        byte[] sector = new byte[Ata.SECTOR_SIZE];
        for (int i = 0; i < sectors; i++) {
            long s = lba + i;
            f.get(AtaArg.DATA + i * Ata.SECTOR_SIZE, sector);
            if (!sectorOk(s, sector)) {
                violation(f, n, "read of sector " + s + " returned data never written there");
            }
        }
        readsVerified++;
    }

    private boolean sectorOk(long s, byte[] sector) {
        if (s >= REGION && s < REGION + REGION_SECTORS) {
            return candidates.get((int) (s - REGION)).contains(hash(sector));
        }
        return Arrays.equals(sector, pattern(1, s));
    }

    /** Checks every sector of export 1's file; returns how many lie outside the region. */
    private long checkFuzzedFile(Path file) throws IOException {
        long outside = 0;
        byte[] sector = new byte[Ata.SECTOR_SIZE];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            assertEquals(SECTORS * Ata.SECTOR_SIZE, raf.length(), "file size");
            for (long s = 0; s < SECTORS; s++) {
                raf.readFully(sector);
                boolean inRegion = s >= REGION && s < REGION + REGION_SECTORS;
                assertTrue(sectorOk(s, sector), "sector " + s + (inRegion ? " holds neither the pattern nor any"
                        + " legitimate write" : " outside the written region changed") + " (seed " + seed + ")");
                outside += inRegion ? 0 : 1;
            }
        }
        return outside;
    }

    private void violation(ByteBuffer f, int n, String what) {
        violationCount++;
        if (violations.size() < MAX_REPORTED) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < Math.min(n, 40); i++) {
                hex.append(String.format("%02x", f.get(i) & 0xFF));
            }
            violations.add(what + " [" + n + " bytes: " + hex + "]");
        }
    }

    // ---- data ----

    private Path patternFile(EngineFixture fx, String name, int export, long sectors) throws IOException {
        Path path = fx.disk(name, sectors * Ata.SECTOR_SIZE);
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            for (long s = 0; s < sectors; s++) {
                raf.write(pattern(export, s));
            }
        }
        return path;
    }

    /** The original content of sector {@code s} of an export: distinct for every sector and run. */
    private byte[] pattern(int export, long s) {
        ByteBuffer b = ByteBuffer.allocate(Ata.SECTOR_SIZE);
        for (int j = 0; j < Ata.SECTOR_SIZE / 8; j++) {
            b.putLong(mix(seed ^ ((long) export << 56) ^ (s << 8) ^ j));
        }
        return b.array();
    }

    private static long hash(byte[] sector) {
        ByteBuffer b = ByteBuffer.wrap(sector);
        long h = 0x9E37_79B9_7F4A_7C15L;
        while (b.hasRemaining()) {
            h = mix(h ^ b.getLong()) * 31;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
