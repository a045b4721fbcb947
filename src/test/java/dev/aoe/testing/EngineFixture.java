package dev.aoe.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aoe.engine.Engine;
import dev.aoe.engine.PacketRingSetting;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.net.VethPair;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.StoreSpec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An engine on end A of a veth pair and the project's initiator on end B, each in its own
 * network namespace, serving sparse files from a temporary directory. Exports are added inside
 * namespace A, because {@link Engine#add} opens the raw socket and runs the address probe in
 * the calling thread's namespace. Tests skip, saying why, without root. {@link EngineFixtures}
 * makes them and closes them after each test.
 */
public final class EngineFixture implements AutoCloseable {
    public static final String HOST = "testhost";
    public static final int BUFFER_COUNT = 16;
    public static final Duration PROBE = Duration.ofMillis(100);
    /** How long a request waits for a reply that must come. */
    public static final Duration REPLY = Duration.ofSeconds(2);
    /** How long to listen before concluding that the engine stays silent. */
    public static final Duration SILENCE = Duration.ofMillis(300);
    public static final int FRAME_BYTES = 9216;

    public final VethPair pair;
    public final Path dir;
    public final Path stateDir;
    public final Initiator initiator;
    public final long initiatorMac;
    private Engine engine;
    private PacketRingSetting packetRing = PacketRingSetting.ON;
    private final List<RawSocket> sockets = new ArrayList<>();
    private final List<AutoCloseable> extras = new ArrayList<>();

    private EngineFixture(VethPair pair, Path dir, Initiator initiator) {
        this.pair = pair;
        this.dir = dir;
        this.stateDir = dir.resolve("state");
        this.initiator = initiator;
        this.initiatorMac = initiator.mac();
        this.engine = new Engine(stateDir, HOST, PROBE, packetRing);
    }

    /** Skips the calling test without the privileges; otherwise builds the link, engine and initiator. */
    public static EngineFixture create(Path dir, int mtu) throws Exception {
        Privileges.assumeNetworkNamespaces();
        VethPair pair = VethPair.create(mtu);
        try {
            Initiator initiator = pair.inB(() -> Initiator.open(pair.interfaceB()));
            return new EngineFixture(pair, dir, initiator);
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    public Engine engine() {
        return engine;
    }

    /** Closes the engine and starts a new one on the same state directory (a restart). */
    public void restartEngine() throws IOException {
        engine.close();
        engine = new Engine(stateDir, HOST, PROBE, packetRing);
    }

    /** Restarts the engine with its ports receiving as {@code setting} says; the default is ON. */
    public void receiveWith(PacketRingSetting setting) throws IOException {
        packetRing = setting;
        restartEngine();
    }

    /** A sparse file of {@code bytes} in the temporary directory. */
    public Path disk(String name, long bytes) throws IOException {
        Path path = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return path;
    }

    public ExportSpec spec(int shelf, int slot, StoreSpec store) {
        return new ExportSpec(shelf, slot, pair.interfaceA(), store, BUFFER_COUNT, new long[0], new byte[0]);
    }

    /** Adds an export inside namespace A, where the engine's sockets must live. */
    public ExportStatus add(ExportSpec spec) throws Exception {
        return pair.inA(() -> engine.add(spec));
    }

    /** Exports a fresh sparse file of {@code bytes} as e{@code shelf}.{@code slot} and finds it. */
    public TargetInfo serve(int shelf, int slot, long bytes) throws Exception {
        Path disk = disk("e" + shelf + "." + slot + ".img", bytes);
        add(spec(shelf, slot, StoreSpec.of(disk)));
        return find(shelf, slot);
    }

    public TargetInfo find(int shelf, int slot) throws IOException {
        return initiator.find(shelf, slot, REPLY);
    }

    /** A raw AoE socket on end B, closed with the fixture: frames built by hand, any source MAC. */
    public RawSocket rawB() throws Exception {
        RawSocket s = pair.openB();
        sockets.add(s);
        return s;
    }

    /** The engine side's MAC (end A). */
    public long engineMac() throws Exception {
        try (RawSocket s = pair.openA()) {
            return MacAddress.of(s.mac());
        }
    }

    /** Something else to close before the engine (e.g. a second engine). */
    public <T extends AutoCloseable> T closeLater(T c) {
        extras.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        initiator.close();
        for (RawSocket s : sockets) {
            s.close();
        }
        for (AutoCloseable c : extras) {
            try {
                c.close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            engine.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        pair.close();
        if (failure != null) {
            throw failure;
        }
    }

    /** Bytes allocated so far by the engine's receive and I/O threads, for checks that the data path allocates nothing. */
    public static long engineThreadBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aoe-rx-") || t.getName().startsWith("aoe-io-")) {
                total += threads.getThreadAllocatedBytes(t.getId());
            }
        }
        return total;
    }

    // ---- frames built by hand ----

    public static ByteBuffer frame() {
        return ByteBuffer.allocateDirect(FRAME_BYTES);
    }

    /** Writes an ATA request header (no data) into {@code f}; returns 36, the unpadded length. */
    public static int ata(ByteBuffer f, long dst, long src, int shelf, int slot, int aflags, int count, int opcode,
                          long lba, int tag) {
        AoeHeader.writeRequest(f, dst, src, shelf, slot, AoeHeader.CMD_ATA, tag);
        AtaArg.writeRequest(f, aflags, 0, count, opcode, lba);
        return AtaArg.DATA;
    }

    /**
     * Sends {@code f[0, length)} exactly as built and waits for the reply (R set) carrying the
     * same tag; the reply replaces the request in {@code f}.
     *
     * @return the reply's length, or 0 when nothing answered within {@code timeout}
     */
    public static int rawExchange(RawSocket s, ByteBuffer f, int length, Duration timeout) throws IOException {
        int tag = AoeHeader.tag(f);
        ByteBuffer rx = frame();
        s.setReceiveTimeout(Duration.ofMillis(10));
        s.send(f, length);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int n = s.receive(rx);
            if (n >= AoeHeader.LENGTH && AoeHeader.etherType(rx) == AoeHeader.ETHERTYPE_AOE
                    && AoeHeader.isResponse(rx) && AoeHeader.tag(rx) == tag) {
                f.clear();
                f.put(0, rx, 0, n);
                return n;
            }
        }
        return 0;
    }

    /** Counts replies (R set) with {@code f}'s tag arriving within {@code timeout} after sending it. */
    public static List<ByteBuffer> rawReplies(RawSocket s, ByteBuffer f, int length, Duration timeout)
            throws IOException {
        int tag = AoeHeader.tag(f);
        s.setReceiveTimeout(Duration.ofMillis(10));
        s.send(f, length);
        List<ByteBuffer> replies = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer rx = frame();
            int n = s.receive(rx);
            if (n >= AoeHeader.LENGTH && AoeHeader.isResponse(rx) && AoeHeader.tag(rx) == tag) {
                replies.add(rx.limit(n));
            }
        }
        return replies;
    }

    // ---- data ----

    public static byte[] random(long seed, int bytes) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads {@code bytes} at sector {@code lba} through the initiator. */
    public byte[] read(TargetInfo t, long lba, int bytes) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(bytes);
        initiator.read(t, lba, dst);
        return dst.array();
    }

    public void write(TargetInfo t, long lba, byte[] data) throws IOException {
        initiator.write(t, lba, ByteBuffer.wrap(data));
    }

    /** Writes random data at {@code lba}, reads it back and compares SHA-256 sums. */
    public void assertWriteReadBack(TargetInfo t, long lba, int bytes, long seed) throws IOException {
        byte[] data = random(seed, bytes);
        write(t, lba, data);
        assertArrayEquals(sha256(data), sha256(read(t, lba, bytes)), "SHA-256 of " + bytes + " bytes at LBA " + lba);
    }

    /** The backing file's bytes at a byte offset. */
    public static byte[] fileBytes(Path file, long offset, int bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[bytes];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    public static void assertFileSha(byte[] expectedSha, Path file) throws IOException {
        assertArrayEquals(expectedSha, sha256(Files.readAllBytes(file)), "SHA-256 of " + file.getFileName());
    }

    public static void assertAtaReply(ByteBuffer f, int n, int status, int error) {
        assertEquals(false, AoeHeader.isError(f), "AoE E flag");
        assertEquals(true, n >= AtaArg.DATA, "reply carries the ATA header (" + n + " bytes)");
        assertEquals(status, AtaArg.status(f), "ATA status");
        assertEquals(error, AtaArg.error(f), "ATA error");
    }
}
