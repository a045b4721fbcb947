package dev.aoe.initiator;

import dev.aoe.ata.Ata;
import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.TargetAddress;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The project's own AoE initiator, in user space on a raw socket: discovery, IDENTIFY, and
 * windowed reads and writes with retransmission. It drives the demo, {@code discover}, the
 * tests and the benchmark. Its tags have bit 31 set, as aoetools' do, so a Linux initiator on
 * the same host ignores the replies.
 */
public final class Initiator implements Closeable {
    private static final int TAG_TOOL_BIT = 0x8000_0000;
    private static final int FRAME_BYTES = 9216;
    private static final Duration TICK = Duration.ofMillis(5);
    private static final long RETRANSMIT_NANOS = Duration.ofMillis(250).toNanos();
    private static final int MAX_TRIES = 12;
    /** Frames one transfer tracks at once; the tag's low 16 bits index them. */
    private static final int MAX_FRAMES_PER_BATCH = 1 << 15;

    private final RawSocket socket;
    private final long mac;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(FRAME_BYTES);
    private final ByteBuffer rx = ByteBuffer.allocateDirect(FRAME_BYTES);
    private int tagEpoch = ThreadLocalRandom.current().nextInt(1 << 15);

    private Initiator(RawSocket socket) {
        this.socket = socket;
        this.mac = MacAddress.of(socket.mac());
        socket.setReceiveTimeout(TICK);
    }

    public static Initiator open(String interfaceName) throws IOException {
        return new Initiator(RawSocket.open(interfaceName, Traffic.RESPONSES));
    }

    public long mac() {
        return mac;
    }

    public String interfaceName() {
        return socket.interfaceName();
    }

    /** Sectors per frame this side's MTU allows: {@code (MTU - 36) / 512}. */
    public int localSectorsPerFrame() throws IOException {
        return Math.min((socket.mtu() - AtaArg.DATA) / Ata.SECTOR_SIZE, (FRAME_BYTES - AtaArg.DATA) / Ata.SECTOR_SIZE);
    }

    /** Broadcasts a config query and collects every target that answers within {@code wait}. */
    public List<TargetInfo> discover(Duration wait) throws IOException {
        return query(AoeHeader.BROADCAST_SHELF, AoeHeader.BROADCAST_SLOT, wait, Integer.MAX_VALUE);
    }

    /** Finds e{@code shelf}.{@code slot}; fails if nothing answers within {@code wait}. */
    public TargetInfo find(int shelf, int slot, Duration wait) throws IOException {
        return probe(shelf, slot, wait).orElseThrow(() -> new IOException("no answer from "
                + TargetAddress.name(shelf, slot) + " on " + interfaceName() + " within " + wait.toMillis() + " ms"));
    }

    /** The first target answering as e{@code shelf}.{@code slot} within {@code wait}, if any. */
    public Optional<TargetInfo> probe(int shelf, int slot, Duration wait) throws IOException {
        return query(shelf, slot, wait, 1).stream().findFirst();
    }

    private List<TargetInfo> query(int shelf, int slot, Duration wait, int enough) throws IOException {
        int tag = nextTag();
        AoeHeader.writeRequest(tx, MacAddress.BROADCAST, mac, shelf, slot, AoeHeader.CMD_CONFIG, tag);
        socket.send(tx, AoeHeader.pad(tx, ConfigArg.writeRequest(tx, ConfigArg.CCMD_READ, new byte[0])));
        List<TargetInfo> found = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (found.size() < enough && System.nanoTime() < deadline) {
            int n = socket.receive(rx);
            if (n < ConfigArg.STRING || !isReplyTo(tag) || AoeHeader.command(rx) != AoeHeader.CMD_CONFIG
                    || AoeHeader.isError(rx)) {
                continue;
            }
            TargetInfo t = new TargetInfo(AoeHeader.shelf(rx), AoeHeader.slot(rx), AoeHeader.source(rx),
                    ConfigArg.bufferCount(rx), ConfigArg.firmware(rx), ConfigArg.sectorCount(rx), ConfigArg.string(rx, n));
            if (found.stream().noneMatch(f -> f.shelf() == t.shelf() && f.slot() == t.slot() && f.mac() == t.mac())) {
                found.add(t);
            }
        }
        return found;
    }

    public Identity identify(TargetInfo t) throws IOException {
        int n = command(t, 1, Ata.IDENTIFY_DEVICE, 0, Duration.ofSeconds(3));
        checkAta(t, "IDENTIFY", n);
        if (n < AtaArg.DATA + Ata.SECTOR_SIZE) {
            throw new IOException(t.name() + ": IDENTIFY reply has " + (n - AtaArg.DATA) + " data bytes, not 512");
        }
        ByteBuffer id = rx.duplicate().position(AtaArg.DATA).slice().order(ByteOrder.LITTLE_ENDIAN);
        boolean lba48 = ((id.getShort(2 * 83) | id.getShort(2 * 86)) & 0x0400) != 0;
        long sectors = lba48 ? id.getLong(2 * 100) : id.getInt(2 * 60) & 0xFFFF_FFFFL;
        return new Identity(sectors, lba48, ataString(id, 27, 40), ataString(id, 10, 20), ataString(id, 23, 8));
    }

    /** Reads {@code dst.remaining()} bytes (whole sectors) from sector {@code lba}. */
    public void read(TargetInfo t, long lba, ByteBuffer dst) throws IOException {
        transfer(t, lba, dst, false);
    }

    /** Writes {@code src.remaining()} bytes (whole sectors) at sector {@code lba}. */
    public void write(TargetInfo t, long lba, ByteBuffer src) throws IOException {
        transfer(t, lba, src, true);
    }

    /** FLUSH CACHE EXT: returns once the target says every acknowledged write is durable. */
    public void flush(TargetInfo t) throws IOException {
        checkAta(t, "FLUSH CACHE EXT", command(t, 0, Ata.FLUSH_CACHE_EXT, AtaArg.AFLAG_EXTENDED, Duration.ofSeconds(30)));
    }

    /** Sends an ATA command without data and waits for its reply; returns its length or 0. */
    private int command(TargetInfo t, int count, int opcode, int aflags, Duration timeout) throws IOException {
        int tag = nextTag();
        socket.send(tx, writeAta(t, 0, count, opcode, aflags, tag));
        return await(tag, timeout);
    }

    /**
     * Sends {@code frame[0, length)} as is, apart from the source MAC and a fresh tag, and waits
     * for the reply with that tag. The reply replaces the request in {@code frame}.
     *
     * @return the reply's length, or 0 when nothing answered within {@code timeout}
     */
    public int exchange(ByteBuffer frame, int length, Duration timeout) throws IOException {
        int tag = nextTag();
        MacAddress.put(frame, AoeHeader.SRC, mac);
        frame.putInt(AoeHeader.TAG, tag);
        socket.send(frame, length);
        int n = await(tag, timeout);
        if (n > 0) {
            frame.put(0, rx, 0, n);
        }
        return n;
    }

    private void transfer(TargetInfo t, long lba, ByteBuffer data, boolean write) throws IOException {
        if (data.remaining() % Ata.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("transfers are whole 512-byte sectors, not " + data.remaining() + " bytes");
        }
        int perFrame = Math.max(1, Math.min(localSectorsPerFrame(), t.sectorsPerFrame() == 0 ? 2 : t.sectorsPerFrame()));
        int window = Math.max(1, Math.min(t.bufferCount(), 64));
        long sectors = data.remaining() / Ata.SECTOR_SIZE;
        int base = data.position();
        for (long done = 0; done < sectors; ) {
            int frames = (int) Math.min(MAX_FRAMES_PER_BATCH, (sectors - done + perFrame - 1) / perFrame);
            long batchSectors = Math.min(sectors - done, (long) frames * perFrame);
            batch(t, lba + done, data, base + (int) (done * Ata.SECTOR_SIZE), batchSectors, perFrame, frames, window, write);
            done += batchSectors;
        }
        data.position(data.limit());
    }

    /** One window-limited pass over up to 32768 frames, each tagged with its index. */
    private void batch(TargetInfo t, long lba, ByteBuffer data, int offset, long sectors, int perFrame, int frames,
                       int window, boolean write) throws IOException {
        int epoch = nextEpoch();
        long[] sentAt = new long[frames];
        int[] tries = new int[frames];
        boolean[] done = new boolean[frames];
        int next = 0;
        int outstanding = 0;
        int completed = 0;
        while (completed < frames) {
            while (outstanding < window && next < frames) {
                sendFrame(t, lba, data, offset, sectors, perFrame, next, epoch, write);
                sentAt[next] = System.nanoTime();
                tries[next]++;
                next++;
                outstanding++;
            }
            int n = socket.receive(rx);
            if (n > 0 && AoeHeader.isResponse(rx) && (AoeHeader.tag(rx) >>> 16) == epoch
                    && AoeHeader.command(rx) == AoeHeader.CMD_ATA && fromTarget(t)) {
                int i = AoeHeader.tag(rx) & 0xFFFF;
                if (i < next && !done[i]) {
                    checkAta(t, write ? "WRITE" : "READ", n);
                    int count = frameSectors(sectors, perFrame, i);
                    if (!write) {
                        if (n < AtaArg.DATA + count * Ata.SECTOR_SIZE) {
                            throw new IOException(t.name() + ": short READ reply (" + n + " bytes)");
                        }
                        data.put(offset + i * perFrame * Ata.SECTOR_SIZE, rx, AtaArg.DATA, count * Ata.SECTOR_SIZE);
                    }
                    done[i] = true;
                    outstanding--;
                    completed++;
                }
            }
            long now = System.nanoTime();
            for (int i = 0; i < next; i++) {
                if (!done[i] && now - sentAt[i] > RETRANSMIT_NANOS) {
                    if (tries[i] >= MAX_TRIES) {
                        throw new IOException(t.name() + ": no reply after " + MAX_TRIES + " tries");
                    }
                    sendFrame(t, lba, data, offset, sectors, perFrame, i, epoch, write);
                    sentAt[i] = now;
                    tries[i]++;
                }
            }
        }
    }

    private void sendFrame(TargetInfo t, long lba, ByteBuffer data, int offset, long sectors, int perFrame, int i,
                           int epoch, boolean write) throws IOException {
        int count = frameSectors(sectors, perFrame, i);
        int opcode = write ? Ata.WRITE_SECTORS_EXT : Ata.READ_SECTORS_EXT;
        int aflags = AtaArg.AFLAG_EXTENDED | (write ? AtaArg.AFLAG_WRITE : 0);
        int length = writeAta(t, lba + (long) i * perFrame, count, opcode, aflags, (epoch << 16) | i);
        if (write) {
            tx.put(AtaArg.DATA, data, offset + i * perFrame * Ata.SECTOR_SIZE, count * Ata.SECTOR_SIZE);
            length = AtaArg.DATA + count * Ata.SECTOR_SIZE;
        }
        socket.send(tx, length);
    }

    private static int frameSectors(long sectors, int perFrame, int i) {
        return (int) Math.min(perFrame, sectors - (long) i * perFrame);
    }

    /** Writes an ATA request header into {@code tx} and returns its padded length. */
    private int writeAta(TargetInfo t, long lba, int count, int opcode, int aflags, int tag) {
        AoeHeader.writeRequest(tx, t.mac(), mac, t.shelf(), t.slot(), AoeHeader.CMD_ATA, tag);
        AtaArg.writeRequest(tx, aflags, 0, count, opcode, lba);
        return AoeHeader.pad(tx, AtaArg.DATA);
    }

    private int await(int tag, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int n = socket.receive(rx);
            if (n >= AoeHeader.LENGTH && isReplyTo(tag)) {
                return n;
            }
        }
        return 0;
    }

    private boolean isReplyTo(int tag) {
        return AoeHeader.isResponse(rx) && AoeHeader.tag(rx) == tag;
    }

    private boolean fromTarget(TargetInfo t) {
        return AoeHeader.shelf(rx) == t.shelf() && AoeHeader.slot(rx) == t.slot();
    }

    private void checkAta(TargetInfo t, String what, int n) throws IOException {
        if (n == 0) {
            throw new IOException(t.name() + ": no reply to " + what);
        }
        if (AoeHeader.isError(rx)) {
            throw new AtaException(t.name() + ": " + what + " refused", 0, 0, AoeHeader.error(rx));
        }
        if (n < AtaArg.DATA || (AtaArg.status(rx) & Ata.STATUS_ERR) != 0) {
            throw new AtaException(t.name() + ": " + what + " failed", AtaArg.status(rx), AtaArg.error(rx), 0);
        }
    }

    private int nextTag() {
        return (nextEpoch() << 16) | ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /** The high half of a tag: bit 31 set, then a counter that tells this call's replies apart. */
    private int nextEpoch() {
        tagEpoch = (tagEpoch + 1) & 0x7FFF;
        return (TAG_TOOL_BIT >>> 16) | tagEpoch;
    }

    private static String ataString(ByteBuffer id, int word, int chars) {
        byte[] s = new byte[chars];
        for (int i = 0; i < chars; i++) {
            s[i] = id.get(2 * word + (i ^ 1));
        }
        return new String(s, StandardCharsets.US_ASCII).trim();
    }

    @Override
    public void close() {
        socket.close();
    }
}
