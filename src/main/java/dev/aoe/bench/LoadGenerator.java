package dev.aoe.bench;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MacAddress;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

/**
 * A lean windowed AoE load: keeps a fixed number of one-frame ATA requests outstanding, sends
 * a new one as each reply arrives, and records each request's latency. One thread, batched
 * receives and sends, every buffer allocated up front: nothing is allocated per request, so
 * the generator costs less CPU per request than the targets it drives.
 *
 * <p>Each window slot owns one request frame. Its tag holds the slot and a serial number, so a
 * late reply to an earlier request (or an earlier cell) is recognised and ignored. A request
 * without a reply after the retransmit timeout is sent again with the same tag.
 */
public final class LoadGenerator {
    /** Most requests outstanding at once; the slot takes the tag's low bits. */
    public static final int MAX_WINDOW = 128;
    private static final int SLOT_BITS = 7;
    private static final int SERIAL_MASK = (1 << 24) - 1;
    /** Bit 31 marks a tool's tag, as aoetools do, so a Linux initiator ignores the replies. */
    private static final int TAG_TOOL_BIT = 0x8000_0000;
    private static final int FRAME_BYTES = 9216;
    /** Kernel buffering for a full window of jumbo replies (about 16 KiB charged per frame). */
    private static final int SOCKET_BUFFER_BYTES = MAX_WINDOW * 32 * 1024;
    /** How long a receive waits before the loop checks the clock and retransmissions. */
    private static final Duration POLL = Duration.ofMillis(5);
    private static final long RANDOM_SEED = 0x5EED_A0E5L;

    /** Called at the start and end of the measured interval, to sample the target. */
    public interface Interval {
        void opened() throws IOException;

        void closed() throws IOException;
    }

    private final RawSocket socket;
    private final long mac;
    private final long retransmitNanos;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ByteBuffer[] requests = new ByteBuffer[MAX_WINDOW];
    private final int[] requestLengths = new int[MAX_WINDOW];
    private final int[] expectedTag = new int[MAX_WINDOW];
    private final boolean[] outstanding = new boolean[MAX_WINDOW];
    private final long[] firstSent = new long[MAX_WINDOW];
    private final long[] lastSent = new long[MAX_WINDOW];
    private final ByteBuffer[] received = new ByteBuffer[RawSocket.MAX_BATCH];
    private final int[] receivedLengths = new int[RawSocket.MAX_BATCH];
    private final ByteBuffer[] toSend = new ByteBuffer[MAX_WINDOW];
    private final int[] toSendLengths = new int[MAX_WINDOW];
    /** Preallocated over the whole range (no resizing while recording): two significant digits, 1 %. */
    private final Histogram latencies = new Histogram(1, LoadResult.LONGEST_NANOS, 2);
    private int serial;
    private long random = RANDOM_SEED;
    private long cursor;

    /** Takes over {@code socket}, opened for {@code Traffic.RESPONSES} on the initiator's side. */
    public LoadGenerator(RawSocket socket, Duration retransmitTimeout) throws IOException {
        this.socket = socket;
        this.mac = MacAddress.of(socket.mac());
        this.retransmitNanos = retransmitTimeout.toNanos();
        socket.setReceiveTimeout(POLL);
        socket.setBufferSizes(SOCKET_BUFFER_BYTES, SOCKET_BUFFER_BYTES);
        // Written data is random, so no layer below can take a shortcut for zeros.
        byte[] payload = new byte[FRAME_BYTES - AtaArg.DATA];
        new Random(RANDOM_SEED).nextBytes(payload);
        for (int i = 0; i < MAX_WINDOW; i++) {
            requests[i] = ByteBuffer.allocateDirect(FRAME_BYTES).put(AtaArg.DATA, payload);
        }
        for (int i = 0; i < received.length; i++) {
            received[i] = ByteBuffer.allocateDirect(FRAME_BYTES);
        }
    }

    /**
     * Runs {@code load} against {@code target}: {@code warmup} unmeasured, then {@code measured},
     * then waits for the requests still outstanding so they cannot reach the next cell.
     */
    public LoadResult run(TargetInfo target, Load load, Duration warmup, Duration measured, Interval interval)
            throws IOException {
        prepare(target, load);
        long now = System.nanoTime();
        long measureStart = now + warmup.toNanos();
        long measureEnd = measureStart + measured.toNanos();
        int pending = 0;
        for (int slot = 0; slot < load.window(); slot++) {
            pending = issue(slot, load, now, pending);
        }
        send(pending);
        boolean measuring = false;
        long completed = 0;
        long retransmits = 0;
        long errors = 0;
        long cpuStart = 0;
        long lastRetransmitCheck = now;
        while (now < measureEnd) {
            if (!measuring && now >= measureStart) {
                measuring = true;
                latencies.reset();
                completed = 0;
                retransmits = 0;
                errors = 0;
                interval.opened();
                cpuStart = threads.getCurrentThreadCpuTime();
                measureStart = System.nanoTime();
            }
            int n = socket.receiveBatch(received, receivedLengths);
            if (n < 0) {
                throw new IOException("the load generator's socket closed");
            }
            now = System.nanoTime();
            pending = 0;
            for (int k = 0; k < n; k++) {
                int slot = answeredSlot(target, load, received[k], receivedLengths[k]);
                if (slot < 0) {
                    continue;
                }
                if (!isGoodReply(load, received[k], receivedLengths[k])) {
                    errors++;
                }
                latencies.recordValue(Math.min(now - firstSent[slot], LoadResult.LONGEST_NANOS));
                completed++;
                pending = issue(slot, load, now, pending);
            }
            if (now - lastRetransmitCheck >= retransmitNanos / 4) {
                lastRetransmitCheck = now;
                for (int slot = 0; slot < load.window(); slot++) {
                    if (outstanding[slot] && now - lastSent[slot] >= retransmitNanos) {
                        lastSent[slot] = now;
                        retransmits++;
                        pending = queue(slot, pending);
                    }
                }
            }
            send(pending);
        }
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        interval.closed();
        double seconds = (now - measureStart) / 1e9;
        LoadResult result = new LoadResult(completed, seconds, latencies.copy(),
                retransmits, errors, cpuSeconds);
        drain(target, load);
        return result;
    }

    /** Writes each slot's constant part: addresses, command, sector count and payload. */
    private void prepare(TargetInfo target, Load load) {
        boolean write = load.operation().writes();
        int opcode = write ? Ata.WRITE_SECTORS_EXT : Ata.READ_SECTORS_EXT;
        int aflags = AtaArg.AFLAG_EXTENDED | (write ? AtaArg.AFLAG_WRITE : 0);
        for (int slot = 0; slot < load.window(); slot++) {
            ByteBuffer f = requests[slot];
            AoeHeader.writeRequest(f, target.mac(), mac, target.shelf(), target.slot(), AoeHeader.CMD_ATA, 0);
            AtaArg.writeRequest(f, aflags, 0, load.sectorsPerFrame(), opcode, 0);
            requestLengths[slot] = write ? AtaArg.DATA + load.bytesPerRequest() : AoeHeader.pad(f, AtaArg.DATA);
            outstanding[slot] = false;
        }
    }

    /** Starts a new request in {@code slot}: a fresh tag and the next sector. */
    private int issue(int slot, Load load, long now, int pending) {
        serial = (serial + 1) & SERIAL_MASK;
        int tag = TAG_TOOL_BIT | serial << SLOT_BITS | slot;
        ByteBuffer f = requests[slot];
        f.putInt(AoeHeader.TAG, tag);
        AtaArg.putLba(f, nextLba(load));
        expectedTag[slot] = tag;
        outstanding[slot] = true;
        firstSent[slot] = now;
        lastSent[slot] = now;
        return queue(slot, pending);
    }

    private int queue(int slot, int pending) {
        toSend[pending] = requests[slot];
        toSendLengths[pending] = requestLengths[slot];
        return pending + 1;
    }

    private void send(int pending) throws IOException {
        if (pending > 0) {
            socket.sendBatch(toSend, toSendLengths, pending);
        }
    }

    private long nextLba(Load load) {
        long frames = load.diskSectors() / load.sectorsPerFrame();
        long index;
        if (load.pattern() == AccessPattern.RANDOM) {
            // xorshift64: a fast, allocation-free random sequence, the same for every target.
            random ^= random << 13;
            random ^= random >>> 7;
            random ^= random << 17;
            index = Long.remainderUnsigned(random, frames);
        } else {
            index = cursor;
            cursor = (cursor + 1) % frames;
        }
        return index * load.sectorsPerFrame();
    }

    /** The slot a frame answers, marking it done; -1 for anything else (late, foreign, stray). */
    private int answeredSlot(TargetInfo target, Load load, ByteBuffer f, int length) {
        if (length < AoeHeader.LENGTH || !AoeHeader.isResponse(f) || AoeHeader.command(f) != AoeHeader.CMD_ATA
                || AoeHeader.shelf(f) != target.shelf() || AoeHeader.slot(f) != target.slot()) {
            return -1;
        }
        int tag = AoeHeader.tag(f);
        int slot = tag & (MAX_WINDOW - 1);
        if (slot >= load.window() || !outstanding[slot] || expectedTag[slot] != tag) {
            return -1;
        }
        outstanding[slot] = false;
        return slot;
    }

    private static boolean isGoodReply(Load load, ByteBuffer f, int length) {
        int needed = AtaArg.DATA + (load.operation().writes() ? 0 : load.bytesPerRequest());
        return !AoeHeader.isError(f) && length >= needed && (AtaArg.status(f) & Ata.STATUS_ERR) == 0;
    }

    /** Collects the replies still due, for up to one retransmit timeout. */
    private void drain(TargetInfo target, Load load) throws IOException {
        long deadline = System.nanoTime() + retransmitNanos;
        while (anyOutstanding(load) && System.nanoTime() < deadline) {
            int n = socket.receiveBatch(received, receivedLengths);
            for (int k = 0; k < n; k++) {
                answeredSlot(target, load, received[k], receivedLengths[k]);
            }
        }
    }

    private boolean anyOutstanding(Load load) {
        for (int slot = 0; slot < load.window(); slot++) {
            if (outstanding[slot]) {
                return true;
            }
        }
        return false;
    }
}
