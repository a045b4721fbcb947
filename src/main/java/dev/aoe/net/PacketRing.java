package dev.aoe.net;

import com.kenai.jffi.PageManager;
import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;

/**
 * A receive ring shared with the kernel (PACKET_RX_RING, TPACKET_V2): the kernel writes each
 * frame the socket receives into the next slot and hands the slot over by its status word; the
 * user reads the frame in place and hands the slot back. While frames are flowing, receiving
 * costs no system call and no copy; {@code poll()} is called only when the slot at the cursor is
 * still the kernel's.
 *
 * <p>Each slot is a {@code tpacket2_hdr}, the frame's {@code sockaddr_ll}, then the Ethernet
 * frame at {@code tp_mac}: {@value #FRAME_OFFSET} bytes into the slot for a SOCK_RAW socket on
 * Ethernet. A slot has room for {@code frameCapacity} bytes from there, and its frame is offered
 * as a direct buffer and a native address made once. A longer frame is cut to that, as the other
 * receives cut it to their buffer.
 *
 * <p>The kernel fills slots strictly in order and drops a frame when the next slot is still the
 * user's: hand slots back ({@link #release}) soon, at the latest before the next {@link
 * #receive}; the kernel's readiness for {@code poll()} also counts the last slot it filled while
 * the user holds it. Confined to one receiving thread, but for {@link #release}, which may be
 * called from any thread for a slot it was handed. {@link #close()} unmaps the ring: call it only
 * once no thread uses a slot any more.
 */
public final class PacketRing implements Closeable {
    /** {@code struct tpacket2_hdr} fields, then the {@code sockaddr_ll} at TPACKET_ALIGN(32). */
    private static final int TP_STATUS = 0;
    private static final int TP_SNAPLEN = 8;
    private static final int TP_MAC = 12;
    private static final int SOCKADDR = 32;
    /** Where the kernel puts an Ethernet frame in a slot: TPACKET_ALIGN(52 + 16) - 14. */
    static final int FRAME_OFFSET = 66;
    /** Blocks are this many pages: several jumbo slots each, little left over at the end. */
    private static final int PAGES_PER_BLOCK = 16;
    /** {@code struct tpacket_req {block_size, block_nr, frame_size, frame_nr}}, unsigned ints. */
    private static final int TPACKET_REQ_SIZE = 16;
    private static final int INT_SIZE = 4;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final RawSocket socket;
    private final int fd;
    /** SO_ERROR's value and length, read when poll() wakes for no frame. */
    private final Pointer error = Native.C.allocate(INT_SIZE);
    private final Pointer errorLength = Native.C.allocate(INT_SIZE);
    private final long mapping;
    private final long mappingLength;
    /** The whole mapping, native byte order: slot headers are read from it. */
    private final ByteBuffer ring;
    private final int slotSize;
    private final int frameCapacity;
    /** Where each slot starts in {@link #ring}. */
    private final int[] slotOffsets;
    private final ByteBuffer[] frames;
    private final long[] frameAddresses;
    /** The next slot the kernel fills after those already handed out; receive thread only. */
    private int cursor;
    /** Frames dropped because the kernel put them elsewhere than {@value #FRAME_OFFSET}; written by the receive thread alone. */
    private final AtomicLong misplaced = new AtomicLong();
    private boolean unmapped;
    /** How long a receive that finds the ring empty watches it before it sleeps in poll(); 0: not at all. */
    private volatile long spinNanos;

    private PacketRing(RawSocket socket, int fd, long mapping, long mappingLength, int blockSize, int blocks, int slotSize,
                       int frameCapacity) {
        this.socket = socket;
        this.fd = fd;
        this.mapping = mapping;
        this.mappingLength = mappingLength;
        this.slotSize = slotSize;
        this.frameCapacity = frameCapacity;
        this.ring = DirectBuffers.over(mapping, (int) mappingLength).order(ByteOrder.nativeOrder());
        int perBlock = blockSize / slotSize;
        int slots = perBlock * blocks;
        this.slotOffsets = new int[slots];
        this.frames = new ByteBuffer[slots];
        this.frameAddresses = new long[slots];
        for (int i = 0; i < slots; i++) {
            // Slots never span blocks: each block's last few bytes stay unused.
            int offset = i / perBlock * blockSize + i % perBlock * slotSize;
            slotOffsets[i] = offset;
            frames[i] = ring.slice(offset + FRAME_OFFSET, frameCapacity).order(ByteOrder.BIG_ENDIAN);
            frameAddresses[i] = mapping + offset + FRAME_OFFSET;
        }
    }

    /** Sets the ring up on {@code fd}, which the caller holds open; see {@link RawSocket#receiveRing}. */
    static PacketRing map(RawSocket socket, int fd, int minSlots, int frameCapacity) throws NetException {
        int slotSize = align(FRAME_OFFSET + frameCapacity, LinuxConstants.TPACKET_ALIGNMENT);
        int blockSize = (int) PageManager.getInstance().pageSize() * PAGES_PER_BLOCK;
        if (slotSize > blockSize) {
            blockSize = align(slotSize, (int) PageManager.getInstance().pageSize());
        }
        int perBlock = blockSize / slotSize;
        int blocks = (minSlots + perBlock - 1) / perBlock;
        // One ByteBuffer covers the mapping, and slot offsets are ints.
        if (minSlots < 1 || (long) blockSize * blocks > Integer.MAX_VALUE) {
            throw new NetException("a receive ring of " + minSlots + " slots of " + slotSize + " bytes on "
                    + socket.interfaceName() + ": need 1 slot to 2 GiB in all");
        }
        setInt(socket, fd, LinuxConstants.PACKET_VERSION, LinuxConstants.TPACKET_V2, "select TPACKET_V2");
        requestRing(socket, fd, blockSize, blocks, slotSize, blocks * perBlock);
        long length = (long) blockSize * blocks;
        Pointer mapped = Native.LIBC.mmap(null, length, LinuxConstants.PROT_READ | LinuxConstants.PROT_WRITE,
                LinuxConstants.MAP_SHARED, fd, 0L);
        long mapping = mapped == null ? LinuxConstants.MAP_FAILED : mapped.address();
        if (mapping == LinuxConstants.MAP_FAILED) {
            int errno = Native.C.errno();
            // Without its mapping the ring would swallow every frame: give the socket back its queue.
            requestRing(socket, fd, 0, 0, 0, 0);
            throw NetException.fromErrno("map the receive ring of " + socket.interfaceName(), errno);
        }
        return new PacketRing(socket, fd, mapping, length, blockSize, blocks, slotSize, frameCapacity);
    }

    private static void requestRing(RawSocket socket, int fd, int blockSize, int blocks, int slotSize, int slots)
            throws NetException {
        Pointer request = Native.C.allocate(TPACKET_REQ_SIZE);
        request.putInt(0, blockSize);
        request.putInt(4, blocks);
        request.putInt(8, slotSize);
        request.putInt(12, slots);
        if (Native.LIBC.setsockopt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_RX_RING, request,
                TPACKET_REQ_SIZE) < 0) {
            throw NetException.fromErrno("set up a receive ring of " + slots + " slots on " + socket.interfaceName(),
                    Native.C.errno());
        }
    }

    private static void setInt(RawSocket socket, int fd, int option, int value, String action) throws NetException {
        Pointer p = Native.C.allocate(INT_SIZE);
        p.putInt(0, value);
        if (Native.LIBC.setsockopt(fd, LinuxConstants.SOL_PACKET, option, p, INT_SIZE) < 0) {
            throw NetException.fromErrno(action + " on " + socket.interfaceName(), Native.C.errno());
        }
    }

    private static int align(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    public int slots() {
        return slotOffsets.length;
    }

    /** Bytes per slot, header included. */
    public int slotSize() {
        return slotSize;
    }

    /**
     * The frame of {@code slot}: index 0 is its first byte, the capacity what a slot holds. The
     * same buffer every time; its contents are valid while the slot is the caller's.
     */
    public ByteBuffer frame(int slot) {
        return frames[slot];
    }

    /** The native address of index 0 of {@link #frame}{@code (slot)}. */
    public long frameAddress(int slot) {
        return frameAddresses[slot];
    }

    /**
     * Takes the frames the kernel has filled since the last call, up to {@code max} (at most
     * {@link RawSocket#MAX_BATCH} is sensible), waiting in {@code poll()} until at least one
     * arrives, the socket's receive timeout expires or the socket is closed. Slot {@code
     * slots[i]} holds a frame of {@code lengths[i]} bytes and is the caller's until {@link
     * #release}d. Frames this host sent are dropped on an {@link Traffic#ARRIVING} socket, as the
     * other receives drop them.
     *
     * @return how many frames were taken; 0 if the receive timeout expired; -1 once the socket is closed
     */
    public int receive(int[] slots, int[] lengths, int max) throws IOException {
        long stamp = socket.tryEnter();
        if (stamp == 0L) {
            return RawSocket.CLOSED;
        }
        try {
            long waitStart = 0L;
            boolean woken = false;
            while (!socket.isClosed()) {
                int n = take(slots, lengths, max);
                if (n > 0) {
                    return n;
                }
                if (woken) {
                    throwPendingError();
                }
                if (waitStart == 0L) {
                    waitStart = System.nanoTime();
                    if (spinUntilFilled(waitStart)) {
                        continue;
                    }
                }
                RawSocket.Wait outcome = socket.awaitFrames(waitStart);
                if (outcome != RawSocket.Wait.RETRY) {
                    return outcome.result();
                }
                woken = true;
            }
            return RawSocket.CLOSED;
        } finally {
            socket.leave(stamp);
        }
    }

    /**
     * Lets a receive that finds the ring empty watch the next slot for up to {@code nanos} before
     * it sleeps in poll(). A request that follows its predecessor's reply within that time (an
     * initiator with one request outstanding) is then taken without the sleep and wake-up of a
     * poll(), which cost more than the request itself; an idle port spends {@code nanos} of CPU
     * once per quiet spell.
     */
    public void spinBeforeWaiting(long nanos) {
        spinNanos = nanos;
    }

    /** Watches the slot at the cursor from {@code start} for up to {@link #spinNanos}; true once it is filled. */
    private boolean spinUntilFilled(long start) {
        long nanos = spinNanos;
        if (nanos <= 0) {
            return false;
        }
        int offset = slotOffsets[cursor];
        do {
            if (((int) INT.getAcquire(ring, offset + TP_STATUS) & LinuxConstants.TP_STATUS_USER) != 0) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - start < nanos);
        return false;
    }

    /**
     * After poll() woke with no frame in the ring: a socket error (ENETDOWN while the interface
     * is down) is pending, which poll() reports until it is read. Reads and throws it, as the
     * other receives do; the kernel resumes filling the ring once the interface is back up.
     */
    private void throwPendingError() throws NetException {
        errorLength.putInt(0, INT_SIZE);
        if (Native.LIBC.getsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_ERROR, error, errorLength) == 0
                && error.getInt(0) != 0) {
            throw NetException.fromErrno("receive on " + socket.interfaceName(), error.getInt(0));
        }
    }

    /** Walks the ring from the cursor over the slots the kernel has handed over. */
    private int take(int[] slots, int[] lengths, int max) {
        int n = 0;
        while (n < max) {
            int slot = cursor;
            int offset = slotOffsets[slot];
            // Acquire: the frame's bytes, written before the status, are then visible too.
            if (((int) INT.getAcquire(ring, offset + TP_STATUS) & LinuxConstants.TP_STATUS_USER) == 0) {
                break;
            }
            cursor = slot + 1 == slotOffsets.length ? 0 : slot + 1;
            if (Short.toUnsignedInt(ring.getShort(offset + TP_MAC)) != FRAME_OFFSET) {
                misplaced.setOpaque(misplaced.getPlain() + 1);
                release(slot);
                continue;
            }
            if (socket.dropsOutgoing() && SockaddrLl.isOutgoing(ring, offset + SOCKADDR)) {
                release(slot);
                continue;
            }
            slots[n] = slot;
            lengths[n] = Math.min(ring.getInt(offset + TP_SNAPLEN), frameCapacity);
            n++;
        }
        return n;
    }

    /** Hands {@code slot} back to the kernel, which may fill it again at once. */
    public void release(int slot) {
        // Release: every read and write of the frame happens before the kernel sees the slot free.
        INT.setRelease(ring, slotOffsets[slot] + TP_STATUS, LinuxConstants.TP_STATUS_KERNEL);
    }

    /**
     * Frames dropped because the kernel put them at another offset in their slot than the one
     * every slot's buffer starts at; read from any thread.
     */
    public long misplacedFrames() {
        return misplaced.get();
    }

    /** Unmaps the ring; no slot's buffer may be used after. Idempotent. */
    @Override
    public synchronized void close() {
        if (!unmapped) {
            unmapped = true;
            Native.LIBC.munmap(mapping, mappingLength);
        }
    }

    /** How it reads in a log line: "a packet ring (TPACKET_V2, 518 slots of 9296 bytes)". */
    @Override
    public String toString() {
        return "a packet ring (TPACKET_V2, " + slots() + " slots of " + slotSize + " bytes)";
    }
}
