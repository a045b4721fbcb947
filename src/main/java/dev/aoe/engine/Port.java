package dev.aoe.engine;

import dev.aoe.net.NetException;
import dev.aoe.net.PacketRing;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.MacAddress;
import dev.aoe.responder.Link;
import dev.aoe.responder.Target;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One interface the engine serves on: a raw socket, the exports on it, and the receive loop.
 * The loop hands each frame to the exports that accept it, and each export decides whether the
 * loop answers it or its own I/O threads do. An export served on several interfaces is on
 * several ports; each frame remembers its port, so its reply leaves where the request came in.
 * <p>
 * Frames arrive in the slots of a packet ring, or, where there is none (turned off, or refused
 * by the kernel), by recvmmsg into pool frames; which one is logged when the port opens and
 * reported ({@link #packetRing()}).
 */
final class Port implements Link, PortCounters, Closeable {
    private static final Logger LOG = Logger.getLogger(Port.class.getName());
    /**
     * Receive-ring slots per interface (the ring rounds up to whole blocks: 518): frames beyond
     * these waiting to be read are dropped by the kernel and retransmitted by the initiator.
     */
    private static final int RING_SLOTS = 512;
    /**
     * How long the receive loop watches an empty ring before it sleeps in poll(): about the time an
     * initiator with one request outstanding takes to send its next one after a reply. Measured
     * on a veth link at window 1: 50 us took 1.3-1.5x more reads per second than sleeping at once,
     * with windows of 16 unchanged.
     */
    private static final long RING_SPIN_NANOS = 50_000;
    /** Pool frames without a ring: what recvmmsg receives into, queued requests, copies, announcements. */
    private static final int POOL_FRAMES = 512;
    /**
     * Pool frames beside a ring: only requests queued for I/O threads, broadcast copies and
     * announcements; the receive thread answers the others in their slots.
     */
    private static final int POOL_FRAMES_WITH_RING = 256;
    /** Kernel buffering per frame at jumbo MTU (vblade's README: about 16 KiB each). */
    private static final int SOCKET_BYTES_PER_FRAME = 16 * 1024;
    /** How long the receive loop waits for a free frame before it checks whether the port is closing. */
    private static final long POOL_WAIT_MILLIS = 100;
    /**
     * Replies the receive loop sends per system call. Fewer than a received batch: the
     * initiator works on the first replies while the loop still answers the rest.
     */
    private static final int REPLY_GROUP = 8;
    /** Pause between receives that fail, e.g. while the interface is down. */
    private static final long RECEIVE_RETRY_MILLIS = 100;

    private final RawSocket socket;
    private final long mac;
    private final FramePool pool;
    /** Receive-thread only: where it receives frames, a ring or recvmmsg into pool frames. */
    private final FrameSource source;
    /** Receive-thread only: the replies it answers itself, sent in groups and at the end of each batch. */
    private final Replies replies;
    /** Every thread's replies on this socket, for the count of frames sent. */
    private final ReplySenders senders;
    /** Receive-thread only: exports given requests in this batch, woken once it is dispatched. */
    private final Wakeups wakeups = new Wakeups(RawSocket.MAX_BATCH);
    private final Thread receiver;
    private volatile int mtu;
    private volatile Export[] exports = new Export[0];
    private volatile boolean closed;
    /** Receive-thread only: the last receive failed (logged once per failure streak). */
    private boolean failing;
    private final AtomicLong announcementsSent = new AtomicLong();
    /** Written by the receive thread alone (a plain read and an opaque write), read by metrics. */
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong receiveBatches = new AtomicLong();
    /** Kernel drops read so far (reading them resets the kernel's count); guarded by {@code this}. */
    private long framesDropped;

    /** Takes ownership of {@code socket}: it is closed here if the port cannot be set up. */
    Port(RawSocket socket, PacketRingSetting packetRing) throws IOException {
        this.socket = socket;
        PacketRing ring = null;
        try {
            this.mac = MacAddress.of(socket.mac());
            this.mtu = socket.mtu();
            socket.setBufferSizes(POOL_FRAMES * SOCKET_BYTES_PER_FRAME, POOL_FRAMES * SOCKET_BYTES_PER_FRAME);
            String noRing = packetRing.offReason();
            if (packetRing == PacketRingSetting.ON) {
                try {
                    // Each slot holds a frame of CAPACITY, so an MTU raised while served needs nothing.
                    ring = socket.receiveRing(RING_SLOTS, Frame.CAPACITY);
                    ring.spinBeforeWaiting(RING_SPIN_NANOS);
                } catch (NetException e) {
                    noRing = e.getMessage();
                }
            }
            this.pool = new FramePool(ring == null ? POOL_FRAMES : POOL_FRAMES_WITH_RING, this);
            if (ring != null) {
                this.source = new RingFrames(ring, pool, this);
                LOG.info(interfaceName() + ": receiving through " + ring);
            } else {
                this.source = new ReceiveBatch(socket, pool);
                LOG.info(interfaceName() + ": receiving with recvmmsg: " + noRing);
            }
            this.senders = new ReplySenders(socket);
            this.replies = replies(REPLY_GROUP);
        } catch (IOException | RuntimeException | Error e) {
            if (ring != null) {
                ring.close();
            }
            socket.close();
            throw e;
        }
        this.receiver = new Thread(this::receive, "aoe-rx-" + socket.interfaceName());
        receiver.setDaemon(true);
    }

    void start() {
        receiver.start();
    }

    @Override
    public String interfaceName() {
        return socket.interfaceName();
    }

    /** Whether frames arrive through a packet ring rather than recvmmsg. */
    @Override
    public boolean packetRing() {
        return source instanceof RingFrames;
    }

    /** Whether the link is up; false when that cannot be read either. */
    boolean isUp() {
        try {
            return socket.isUp();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int refreshMtu() {
        try {
            mtu = socket.mtu();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read the MTU of " + interfaceName(), e);
        }
        return mtu;
    }

    /** A reply batch for one thread, holding up to {@code capacity} frames; {@link #retire} it when the thread ends. */
    Replies replies(int capacity) {
        return senders.open(capacity);
    }

    /** Keeps what a thread's reply batch sent in the port's count once the thread is gone. */
    void retire(Replies replies) {
        senders.retire(replies);
    }

    /** What a frame carries at the MTU last read ({@link #refreshMtu}). */
    int sectorsPerFrame() {
        return Target.maxSectors(mtu, Frame.CAPACITY);
    }

    synchronized void add(Export export) {
        Export[] next = Arrays.copyOf(exports, exports.length + 1);
        next[exports.length] = export;
        exports = next;
    }

    /** Removes an export; returns whether the port has none left. */
    synchronized boolean remove(Export export) {
        exports = Arrays.stream(exports).filter(e -> e != export).toArray(Export[]::new);
        return exports.length == 0;
    }

    /** Sends the target's announcement, as seen on this port, to every destination it names. */
    void announce(Target target) {
        Frame frame = pool.take();
        if (frame == null) {
            return;
        }
        try {
            for (long destination : target.announcementDestinations()) {
                try {
                    socket.send(frame.buffer, target.writeAnnouncement(frame.buffer, this, destination));
                    announcementsSent.incrementAndGet();
                } catch (IOException e) {
                    // A lost announcement costs little: initiators also find the target by asking.
                    LOG.log(Level.FINE, interfaceName() + ": send failed", e);
                }
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Receives a batch of frames per wake-up (a walk of the ring, or one recvmmsg into pool frames
     * held between calls), dispatches each and sends the replies it answered: no allocation per
     * frame. Once the loop ends, its frame source lets go of the ring or its pool frames.
     */
    private void receive() {
        try {
            receiveUntilClosed();
        } finally {
            source.close();
        }
    }

    private void receiveUntilClosed() {
        while (!closed) {
            int n;
            try {
                n = source.receive(POOL_WAIT_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // ENETDOWN when the interface goes down: the kernel reattaches the socket when it
                // comes back up, so the port waits and keeps serving instead of giving up.
                if (!failing) {
                    failing = true;
                    LOG.log(Level.WARNING, interfaceName() + ": receive failed; retrying until the interface"
                            + " works again", e);
                }
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (failing && n > 0) {
                failing = false;
                LOG.info(() -> interfaceName() + ": receiving again");
            }
            if (n < 0) {
                return;
            }
            if (n == 0) {
                continue;
            }
            framesReceived.setOpaque(framesReceived.getPlain() + n);
            receiveBatches.setOpaque(receiveBatches.getPlain() + 1);
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                try {
                    dispatch(source.filled(i, now), n == 1);
                } catch (RuntimeException e) {
                    // A frame the code did not foresee must never stop the port for every export.
                    LOG.log(Level.WARNING, interfaceName() + ": frame dropped after an internal error", e);
                }
            }
            // Every ring slot of the batch goes back to the kernel here, before the next walk.
            replies.send();
            wakeups.wakeAll();
            source.handedOut(n);
        }
    }

    /** Waits before the next receive after a failure; false if interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(RECEIVE_RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Offers the frame to every export that accepts it; a broadcast that several exports take
     * gets a copy each, because each rewrites its own reply.
     *
     * @param alone the frame came alone in its receive call: nothing else is waiting behind it
     */
    private void dispatch(Frame frame, boolean alone) {
        Export[] current = exports;
        Export first = null;
        try {
            for (Export export : current) {
                if (!export.accepts(frame)) {
                    continue;
                }
                if (first == null) {
                    first = export;
                    continue;
                }
                Frame copy = pool.copy(frame);
                if (copy != null) {
                    export.offer(copy, false, false, replies, wakeups);
                }
            }
        } catch (RuntimeException e) {
            // Not yet handed on: the frame goes back here, or a ring slot would stay taken and
            // the kernel, which fills slots in order, would stop at it for good.
            frame.release();
            throw e;
        }
        if (first == null) {
            frame.release();
        } else {
            // The export decides what a receive thread with no other export to hold up may answer.
            first.offer(frame, alone, current.length == 1, replies, wakeups);
        }
    }

    @Override
    public long framesReceived() {
        return framesReceived.get();
    }

    @Override
    public long receiveBatches() {
        return receiveBatches.get();
    }

    @Override
    public long framesSent() {
        return announcementsSent.get() + senders.sent();
    }

    @Override
    public synchronized long framesDropped() {
        try {
            framesDropped += socket.takeDrops();
        } catch (IOException e) {
            // Closed: the drops counted so far are all there will be.
        }
        return framesDropped + source.framesDropped();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        try {
            receiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A receive thread that ran lets go of its frames as it ends; one still running keeps them.
        if (receiver.getState() == Thread.State.NEW) {
            source.close();
        }
    }
}
