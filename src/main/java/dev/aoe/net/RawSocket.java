package dev.aoe.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import jnr.ffi.Pointer;

/**
 * An AF_PACKET raw socket that receives and sends AoE frames (EtherType 0x88A2) on one network
 * interface. Frames are whole Ethernet frames: the caller writes and reads the destination MAC,
 * source MAC and EtherType itself.
 *
 * <p>Frame buffers must be direct ByteBuffers. Frames always start at index 0 of the buffer; the
 * buffer's position and limit are neither read nor changed.
 *
 * <p>Threads: {@link #send} and {@link #sendBatch} may be called by any number of threads at once
 * (sendBatch callers take turns). Receives are meant for one thread; concurrent receivers take
 * turns. {@link #close()} wakes a blocked receiver, which then returns -1.
 *
 * <p>What a socket receives is chosen at open ({@link Traffic}). A target's socket takes requests
 * and an initiator's responses, each filtered in the kernel, and both also see what other sockets
 * on this host send, so two local processes can talk over one interface. An {@link
 * Traffic#ARRIVING} socket never sees frames this host sends: the kernel is asked not to queue
 * them (PACKET_IGNORE_OUTGOING, Linux 4.20+) and, for older kernels, any frame it marks
 * PACKET_OUTGOING is dropped.
 *
 * <p>Receive and send allocate nothing per frame: receives first try a non-blocking
 * {@code recvfrom}/{@code recvmmsg}, so while frames are flowing the only system call is the receive itself;
 * {@code poll()} is reached only when the queue is empty. A {@link PacketRing} ({@link
 * #receiveRing}) receives with no system call at all while frames are flowing.
 *
 * <p>The batch calls take frames as native addresses (with capacities or lengths), which a
 * caller reads once per buffer ({@link DirectBuffers#address}); the ByteBuffer forms look them
 * up on each call, for callers off the data path.
 */
public final class RawSocket implements Closeable {
    /** Most frames one {@link #receiveBatch} or {@code sendmmsg} call moves. */
    public static final int MAX_BATCH = 64;

    private static final LibC LIBC = Native.LIBC;
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int INT_SIZE = 4;
    private static final int TPACKET_STATS_SIZE = 8;
    private static final int TP_DROPS = 4;
    /** A receive's result once the socket is closed. */
    static final int CLOSED = -1;

    /** How a wait for frames ended: receive again, or end the receive with {@link #result()}. */
    enum Wait {
        RETRY, TIMED_OUT, CLOSED;

        /** A receive's result for a wait that ended it: 0 frames once its timeout expired, or -1 once closed. */
        int result() {
            return this == TIMED_OUT ? 0 : RawSocket.CLOSED;
        }
    }

    private final String interfaceName;
    private final int ifindex;
    private final byte[] mac;
    private final int fd;
    private final ReadableWait readableWait;
    private final Ifreq ifreq;
    private final boolean dropOutgoing;

    /** Calls using {@link #fd} hold a read stamp; close() takes the write lock before closing it. */
    private final StampedLock fdGuard = new StampedLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long receiveTimeoutNanos;

    private final ReentrantLock receiveLock = new ReentrantLock();
    /** When the current receive call started waiting (0: not yet); guarded by receiveLock. */
    private long waitStart;
    private final Pointer receiveSource = Native.C.allocate(SockaddrLl.SIZE);
    private final Pointer receiveSourceLength = Native.C.allocate(INT_SIZE);
    private final MessageVector receiveVector = new MessageVector(MAX_BATCH);
    /** The ByteBuffer form's addresses and capacities; guarded by receiveLock. */
    private final long[] receiveAddresses = new long[MAX_BATCH];
    private final int[] receiveCapacities = new int[MAX_BATCH];

    private final ReentrantLock sendBatchLock = new ReentrantLock();
    private final Sender sharedSender = new Sender();

    private RawSocket(String interfaceName, int ifindex, Ifreq ifreq, byte[] mac, int fd, ReadableWait readableWait,
                      boolean dropOutgoing) {
        this.dropOutgoing = dropOutgoing;
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.ifreq = ifreq;
        this.mac = mac;
        this.fd = fd;
        this.readableWait = readableWait;
    }

    /**
     * Loads the C library binding now (a few hundred milliseconds: jnr-ffi generates it), so that
     * a caller with idle time spends it there rather than on the first {@link #open}.
     */
    public static void loadNativeLibrary() {
        // Calling any static method initializes the class, and with it LIBC.
    }

    /** Opens a socket that receives every AoE frame arriving from the link ({@link Traffic#ARRIVING}). */
    public static RawSocket open(String interfaceName) throws NetException {
        return open(interfaceName, Traffic.ARRIVING);
    }

    /**
     * Opens a raw AoE socket bound to {@code interfaceName} in the calling thread's network
     * namespace (see {@link NetNs}), receiving the {@code traffic} given.
     *
     * @throws NetException if the interface does not exist, CAP_NET_RAW is missing, or the kernel
     *     refuses for another reason (the message then carries the errno text)
     */
    public static RawSocket open(String interfaceName, Traffic traffic) throws NetException {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isEmpty() || interfaceName.length() > LinuxConstants.IFNAMSIZ_MAX_CHARS
                || !interfaceName.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/')) {
            throw NetException.noSuchInterface(interfaceName);
        }
        int ifindex = LIBC.if_nametoindex(interfaceName);
        if (ifindex == 0) {
            throw interfaceError("look up interface " + interfaceName, interfaceName, Native.C.errno());
        }
        // Protocol 0 queues nothing until bind() names both the EtherType and the interface, so
        // no frame of another interface can slip in between socket() and bind().
        int fd = LIBC.socket(LinuxConstants.AF_PACKET, LinuxConstants.SOCK_RAW | LinuxConstants.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            int errno = Native.C.errno();
            if (errno == LinuxConstants.EPERM || errno == LinuxConstants.EACCES) {
                throw NetException.needsNetRaw(errno);
            }
            throw NetException.fromErrno("open a raw socket", errno);
        }
        try {
            boolean dropOutgoing = traffic == Traffic.ARRIVING;
            if (dropOutgoing) {
                ignoreOutgoingFrames(fd);
            } else {
                AoeFilter.attach(fd, traffic);
            }
            // Only sockets bound to every EtherType see frames this host sends; the filter keeps AoE.
            int protocol = dropOutgoing ? LinuxConstants.ETH_P_AOE : LinuxConstants.ETH_P_ALL;
            if (LIBC.bind(fd, SockaddrLl.forBind(ifindex, protocol), SockaddrLl.SIZE) < 0) {
                throw interfaceError("bind a raw socket to " + interfaceName, interfaceName, Native.C.errno());
            }
            Ifreq ifreq = new Ifreq(interfaceName);
            byte[] mac = ifreq.mac(fd);
            return new RawSocket(interfaceName, ifindex, ifreq, mac, fd, ReadableWait.create(fd), dropOutgoing);
        } catch (NetException | RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    private static NetException interfaceError(String action, String interfaceName, int errno) {
        if (errno == LinuxConstants.ENODEV || errno == LinuxConstants.ENXIO) {
            return NetException.noSuchInterface(interfaceName);
        }
        return NetException.fromErrno(action, errno);
    }

    /** Best effort: kernels before 4.20 lack the option; {@link #receive} filters instead. */
    private static void ignoreOutgoingFrames(int fd) {
        Pointer on = Native.C.allocate(INT_SIZE);
        on.putInt(0, 1);
        LIBC.setsockopt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_IGNORE_OUTGOING, on, INT_SIZE);
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int ifindex() {
        return ifindex;
    }

    /** The interface's MAC address as read at open (6 bytes, a copy). */
    public byte[] mac() {
        return mac.clone();
    }

    /** The interface's current MTU (Ethernet payload bytes, header excluded), read on each call. */
    public int mtu() throws NetException {
        long stamp = enterOrThrow();
        try {
            synchronized (ifreq) {
                return ifreq.mtu(fd);
            }
        } finally {
            fdGuard.unlockRead(stamp);
        }
    }

    /**
     * Whether the interface is administratively up (IFF_UP) and has a carrier (IFF_RUNNING), read
     * with SIOCGIFFLAGS on each call. An ioctl on this socket answers for the socket's network
     * namespace, which /sys/class/net need not show.
     */
    public boolean isUp() throws NetException {
        int upAndRunning = LinuxConstants.IFF_UP | LinuxConstants.IFF_RUNNING;
        long stamp = enterOrThrow();
        try {
            synchronized (ifreq) {
                return (ifreq.flags(fd) & upAndRunning) == upAndRunning;
            }
        } finally {
            fdGuard.unlockRead(stamp);
        }
    }

    /**
     * Frames the kernel dropped since the last call (or the open) because the receive queue was
     * full: PACKET_STATISTICS' {@code tp_drops}, which the kernel resets on every read, so the
     * caller adds them up. Allocates a little: call it from a metrics reader, not per frame.
     */
    public long takeDrops() throws NetException {
        Pointer stats = Native.C.allocate(TPACKET_STATS_SIZE);
        Pointer length = Native.C.allocate(INT_SIZE);
        length.putInt(0, TPACKET_STATS_SIZE);
        long stamp = enterOrThrow();
        try {
            if (LIBC.getsockopt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_STATISTICS, stats, length) < 0) {
                throw NetException.fromErrno("read the packet statistics of " + interfaceName, Native.C.errno());
            }
        } finally {
            fdGuard.unlockRead(stamp);
        }
        return Integer.toUnsignedLong(stats.getInt(TP_DROPS));
    }

    /**
     * How long {@link #receive} and {@link #receiveBatch} wait for a frame before returning 0;
     * {@link Duration#ZERO} waits for ever (the default). Millisecond resolution. Implemented as
     * the poll() timeout rather than SO_RCVTIMEO, since the receive itself never blocks.
     */
    public void setReceiveTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("receive timeout must not be negative: " + timeout);
        }
        receiveTimeoutNanos = timeout.toNanos();
    }

    /**
     * Sets the kernel's receive and send buffer sizes (SO_RCVBUF/SO_SNDBUF; the kernel doubles
     * them for bookkeeping). Tries the FORCE variants first, which exceed net.core.rmem_max and
     * wmem_max but need CAP_NET_ADMIN, and falls back to the capped options without it.
     */
    public void setBufferSizes(int receiveBytes, int sendBytes) throws NetException {
        if (receiveBytes <= 0 || sendBytes <= 0) {
            throw new IllegalArgumentException("buffer sizes must be positive: " + receiveBytes + ", " + sendBytes);
        }
        long stamp = enterOrThrow();
        try {
            setBufferSize(LinuxConstants.SO_RCVBUFFORCE, LinuxConstants.SO_RCVBUF, receiveBytes, "receive");
            setBufferSize(LinuxConstants.SO_SNDBUFFORCE, LinuxConstants.SO_SNDBUF, sendBytes, "send");
        } finally {
            fdGuard.unlockRead(stamp);
        }
    }

    private void setBufferSize(int forceOption, int option, int bytes, String which) throws NetException {
        Pointer value = Native.C.allocate(INT_SIZE);
        value.putInt(0, bytes);
        if (LIBC.setsockopt(fd, LinuxConstants.SOL_SOCKET, forceOption, value, INT_SIZE) == 0) {
            return;
        }
        int errno = Native.C.errno();
        if (errno == LinuxConstants.EPERM) {
            if (LIBC.setsockopt(fd, LinuxConstants.SOL_SOCKET, option, value, INT_SIZE) == 0) {
                return;
            }
            errno = Native.C.errno();
        }
        throw NetException.fromErrno("set the " + which + " buffer of " + interfaceName + " to " + bytes, errno);
    }

    /**
     * Receives one frame into {@code frame} starting at index 0, waiting until one arrives.
     *
     * @return the frame's length, cut to {@code frame.capacity()} if longer (the kernel drops the
     *     rest; size buffers from {@link #mtu()} + 14); 0 if the receive timeout expired; -1 once
     *     the socket is closed
     */
    public int receive(ByteBuffer frame) throws IOException {
        long address = DirectBuffers.address(frame);
        long stamp = tryEnter();
        if (stamp == 0L) {
            return CLOSED;
        }
        receiveLock.lock();
        try {
            waitStart = 0L;
            while (!closed.get()) {
                receiveSourceLength.putInt(0, SockaddrLl.SIZE);
                long length = LIBC.recvfrom(fd, address, frame.capacity(), LinuxConstants.MSG_DONTWAIT,
                        receiveSource, receiveSourceLength);
                if (length >= 0) {
                    if (!dropOutgoing || !SockaddrLl.isOutgoing(receiveSource, 0)) {
                        return (int) length;
                    }
                    continue;
                }
                Wait outcome = afterNothingReceived();
                if (outcome != Wait.RETRY) {
                    return outcome.result();
                }
            }
            return CLOSED;
        } finally {
            receiveLock.unlock();
            fdGuard.unlockRead(stamp);
        }
    }

    /**
     * Receives up to {@link #MAX_BATCH} frames with one recvmmsg call, waiting until at least one
     * arrives. Frame {@code i} is written from index 0 of {@code frames[i]} and its length (cut
     * to the buffer's capacity) stored in {@code lengths[i]}.
     *
     * @return how many frames were received (they fill {@code frames[0..n)}); 0 if the receive
     *     timeout expired; -1 once the socket is closed
     */
    public int receiveBatch(ByteBuffer[] frames, int[] lengths) throws IOException {
        int count = Math.min(frames.length, MAX_BATCH);
        receiveLock.lock();
        try {
            for (int i = 0; i < count; i++) {
                receiveAddresses[i] = DirectBuffers.address(frames[i]);
                receiveCapacities[i] = frames[i].capacity();
            }
            return receiveBatch(receiveAddresses, receiveCapacities, lengths, count);
        } finally {
            receiveLock.unlock();
        }
    }

    /**
     * Receives up to {@code count} frames (at most {@link #MAX_BATCH}) with one recvmmsg call,
     * waiting until at least one arrives. Frame {@code i} is written to the native memory at
     * {@code addresses[i]}, cut to {@code capacities[i]} bytes, and its length stored in {@code
     * lengths[i]}.
     *
     * @return how many frames were received (they fill the first buffers); 0 if the receive
     *     timeout expired; -1 once the socket is closed
     */
    public int receiveBatch(long[] addresses, int[] capacities, int[] lengths, int count) throws IOException {
        count = Math.min(count, MAX_BATCH);
        if (count <= 0 || addresses.length < count || capacities.length < count || lengths.length < count) {
            throw new IllegalArgumentException("need at least one frame buffer and a length slot for each");
        }
        long stamp = tryEnter();
        if (stamp == 0L) {
            return CLOSED;
        }
        receiveLock.lock();
        try {
            for (int i = 0; i < count; i++) {
                receiveVector.setFrame(i, addresses[i], capacities[i]);
            }
            waitStart = 0L;
            while (!closed.get()) {
                for (int i = 0; i < count; i++) {
                    receiveVector.expectSourceAddress(i);
                }
                int received = LIBC.recvmmsg(fd, receiveVector.headers(), count, LinuxConstants.MSG_DONTWAIT, null);
                if (received > 0) {
                    int kept = keepIncoming(addresses, lengths, received);
                    if (kept > 0) {
                        return kept;
                    }
                    continue;
                }
                Wait outcome = afterNothingReceived();
                if (outcome != Wait.RETRY) {
                    return outcome.result();
                }
            }
            return CLOSED;
        } finally {
            receiveLock.unlock();
            fdGuard.unlockRead(stamp);
        }
    }

    /** Records lengths, moving incoming frames down over any outgoing ones (older kernels only). */
    private int keepIncoming(long[] addresses, int[] lengths, int received) {
        int kept = 0;
        for (int i = 0; i < received; i++) {
            if (dropOutgoing && receiveVector.isOutgoing(i)) {
                continue;
            }
            int length = receiveVector.transferred(i);
            if (kept != i) {
                DirectBuffers.copy(addresses[i], addresses[kept], length);
            }
            lengths[kept++] = length;
        }
        return kept;
    }

    /**
     * After a receive call that moved no frame: RETRY on EINTR, else waits for the socket to
     * become readable; any other error is thrown.
     */
    private Wait afterNothingReceived() throws NetException {
        int errno = Native.C.errno();
        if (errno == LinuxConstants.EINTR) {
            return Wait.RETRY;
        }
        if (errno != LinuxConstants.EAGAIN) {
            throw NetException.fromErrno("receive on " + interfaceName, errno);
        }
        if (waitStart == 0L) {
            waitStart = System.nanoTime();
        }
        return awaitFrames(waitStart);
    }

    /** Waits for the socket to become readable (RETRY), until the receive timeout from {@code waitStart}. */
    Wait awaitFrames(long waitStart) throws NetException {
        int timeoutMillis = ReadableWait.NO_TIMEOUT;
        long timeoutNanos = receiveTimeoutNanos;
        if (timeoutNanos > 0) {
            long remaining = timeoutNanos - (System.nanoTime() - waitStart);
            if (remaining <= 0) {
                return Wait.TIMED_OUT;
            }
            timeoutMillis = (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
        }
        switch (readableWait.await(timeoutMillis)) {
            case READABLE:
                return Wait.RETRY;
            case TIMED_OUT:
                return Wait.TIMED_OUT;
            default:
                return Wait.CLOSED;
        }
    }

    /**
     * Sends bytes [0, length) of {@code frame} as one Ethernet frame. A full transmit queue
     * (ENOBUFS) is reported like any other error; AoE initiators retransmit lost frames, so
     * callers may count such errors and carry on.
     */
    public void send(ByteBuffer frame, int length) throws IOException {
        checkFrame(frame, length);
        long address = DirectBuffers.address(frame);
        long stamp = enterOrThrow();
        try {
            while (true) {
                long sent = LIBC.send(fd, address, length, 0);
                if (sent == length) {
                    return;
                }
                if (sent >= 0) {
                    throw new NetException("short send on " + interfaceName + ": " + sent + " of " + length + " bytes");
                }
                int errno = Native.C.errno();
                if (errno != LinuxConstants.EINTR) {
                    throw NetException.fromErrno("send on " + interfaceName, errno);
                }
            }
        } finally {
            fdGuard.unlockRead(stamp);
        }
    }

    /**
     * Sends {@code frames[i]} bytes [0, {@code lengths[i]}) for i in [0, count), in order, with
     * as few sendmmsg calls as {@link #MAX_BATCH} allows. On an error the frames before the
     * failing one have been sent and the rest have not. Callers on one thread each should use a
     * {@link #sender()} of their own instead: this one is shared under a lock.
     */
    public void sendBatch(ByteBuffer[] frames, int[] lengths, int count) throws IOException {
        sendBatchLock.lock();
        try {
            sharedSender.send(frames, lengths, count);
        } finally {
            sendBatchLock.unlock();
        }
    }

    /** A batch sender with native message headers of its own, for one thread. */
    public Sender sender() {
        return new Sender();
    }

    /** Sends batches of frames with sendmmsg; confined to one thread, it allocates nothing per call. */
    public final class Sender {
        private final MessageVector vector = new MessageVector(MAX_BATCH);
        /** The ByteBuffer form's addresses, grown to the largest batch it was given. */
        private long[] addresses = new long[MAX_BATCH];

        private Sender() {
        }

        /** As {@link RawSocket#sendBatch}, without the lock. */
        public void send(ByteBuffer[] frames, int[] lengths, int count) throws IOException {
            if (count < 0 || count > frames.length || count > lengths.length) {
                throw new IllegalArgumentException("count " + count + " exceeds the frames or lengths given");
            }
            if (addresses.length < count) {
                addresses = new long[count];
            }
            for (int i = 0; i < count; i++) {
                checkFrame(frames[i], lengths[i]);
                addresses[i] = DirectBuffers.address(frames[i]);
            }
            send(addresses, lengths, count);
        }

        /**
         * Sends {@code lengths[i]} bytes of the native memory at {@code addresses[i]} for i in [0,
         * count), as {@link RawSocket#sendBatch} does. The caller answers for each length fitting
         * the memory at its address: an address carries no capacity to check it against.
         */
        public void send(long[] addresses, int[] lengths, int count) throws IOException {
            if (count < 0 || count > addresses.length || count > lengths.length) {
                throw new IllegalArgumentException("count " + count + " exceeds the frames or lengths given");
            }
            for (int i = 0; i < count; i++) {
                checkLength(lengths[i], Integer.MAX_VALUE);
            }
            long stamp = enterOrThrow();
            try {
                int next = 0;
                while (next < count) {
                    int chunk = Math.min(count - next, MAX_BATCH);
                    for (int i = 0; i < chunk; i++) {
                        vector.setFrame(i, addresses[next + i], lengths[next + i]);
                        vector.omitAddress(i);
                    }
                    int sent = LIBC.sendmmsg(fd, vector.headers(), chunk, 0);
                    if (sent > 0) {
                        next += sent;
                        continue;
                    }
                    if (sent == 0) {
                        throw new NetException("send on " + interfaceName + " made no progress at frame " + next);
                    }
                    int errno = Native.C.errno();
                    if (errno != LinuxConstants.EINTR) {
                        throw NetException.fromErrno("send on " + interfaceName + " (frame " + next + " of " + count
                                + ")", errno);
                    }
                }
            } finally {
                fdGuard.unlockRead(stamp);
            }
        }
    }

    private static void checkFrame(ByteBuffer frame, int length) {
        if (!frame.isDirect()) {
            throw new IllegalArgumentException("frame buffers must be direct (ByteBuffer.allocateDirect)");
        }
        checkLength(length, frame.capacity());
    }

    private static void checkLength(int length, int capacity) {
        if (length < ETHERNET_HEADER_LENGTH || length > capacity) {
            throw new IllegalArgumentException("frame length " + length + " outside [" + ETHERNET_HEADER_LENGTH
                    + ", " + capacity + "]");
        }
    }

    /**
     * Maps a receive ring of at least {@code slots} slots, each holding a frame of {@code
     * frameCapacity} bytes, into which the kernel puts every frame this socket receives from
     * then on; the other receive calls find nothing after it. See {@link PacketRing}.
     *
     * @throws NetException if the kernel refuses the ring or the mapping (an old kernel, no
     *     memory); the socket then receives as before
     */
    public PacketRing receiveRing(int slots, int frameCapacity) throws NetException {
        long stamp = enterOrThrow();
        try {
            return PacketRing.map(this, fd, slots, frameCapacity);
        } finally {
            fdGuard.unlockRead(stamp);
        }
    }

    /** Whether frames the kernel marks as sent by this host are to be dropped ({@link Traffic#ARRIVING}). */
    boolean dropsOutgoing() {
        return dropOutgoing;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Ends a call that {@link #tryEnter} let in. */
    void leave(long stamp) {
        fdGuard.unlockRead(stamp);
    }

    /** A read stamp on the descriptor, or 0 once the socket is closed or closing. */
    long tryEnter() {
        long stamp = fdGuard.tryReadLock();
        if (stamp != 0L && closed.get()) {
            fdGuard.unlockRead(stamp);
            return 0L;
        }
        return stamp;
    }

    private long enterOrThrow() throws NetException {
        long stamp = tryEnter();
        if (stamp == 0L) {
            throw new NetException("raw socket on " + interfaceName + " is closed");
        }
        return stamp;
    }

    /**
     * Closes the socket. A thread blocked in a receive returns -1 promptly; later calls return -1
     * or throw. Waits for calls in progress to leave before releasing the descriptor, so it is
     * never reused under them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        readableWait.wake();
        long stamp = fdGuard.writeLock();
        try {
            LIBC.close(fd);
            readableWait.close();
        } finally {
            fdGuard.unlockWrite(stamp);
        }
    }

    @Override
    public String toString() {
        return "RawSocket[" + interfaceName + ", ifindex " + ifindex + (closed.get() ? ", closed]" : "]");
    }
}
