package dev.aoe.engine;

import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.WriteCache;
import dev.aoe.responder.Link;
import dev.aoe.responder.Target;
import dev.aoe.responder.TargetCounts;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One interface the engine serves on: a raw socket, the exports on it, and the receive loop.
 * The loop answers what cannot block itself and hands the rest to each export's I/O threads.
 * An export served on several interfaces is on several ports; each frame remembers its port,
 * so its reply leaves where the request came in.
 */
final class Port implements Link, PortCounters, Closeable {
    private static final Logger LOG = Logger.getLogger(Port.class.getName());
    /** Frames in flight per interface; beyond this, frames are dropped and retransmitted. */
    private static final int POOL_FRAMES = 512;
    /** Kernel buffering per frame at jumbo MTU (vblade's README: about 16 KiB each). */
    private static final int SOCKET_BYTES_PER_FRAME = 16 * 1024;
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
    private final FramePool pool = new FramePool(POOL_FRAMES, this);
    /** Frames the receive loop holds for its next recvmmsg, and their buffers and lengths. */
    private final Frame[] batch = new Frame[RawSocket.MAX_BATCH];
    private final ByteBuffer[] batchBuffers = new ByteBuffer[RawSocket.MAX_BATCH];
    private final int[] batchLengths = new int[RawSocket.MAX_BATCH];
    /** Receive-thread only: the replies it answers itself, sent in groups and at the end of each batch. */
    private final Replies replies;
    /** Receive-thread only: exports given requests in this batch, woken once it is dispatched. */
    private final Export[] woken = new Export[RawSocket.MAX_BATCH];
    private int wokenCount;
    private final Thread receiver;
    private volatile int mtu;
    private volatile Export[] exports = new Export[0];
    private volatile boolean closed;
    /** Receive-thread only: the last receive failed (logged once per failure streak). */
    private boolean failing;
    /** Written by the receive thread alone (a plain read and an opaque write), read by metrics. */
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong receiveBatches = new AtomicLong();
    /** Every thread's reply batch, and what those of stopped threads sent; guarded by itself. */
    private final Set<Replies> senders = new HashSet<>();
    private long retiredSent;
    private final AtomicLong announcementsSent = new AtomicLong();
    /** Kernel drops read so far (reading them resets the kernel's count); guarded by {@code this}. */
    private long framesDropped;

    Port(RawSocket socket) throws IOException {
        this.socket = socket;
        this.mac = MacAddress.of(socket.mac());
        this.mtu = socket.mtu();
        socket.setBufferSizes(POOL_FRAMES * SOCKET_BYTES_PER_FRAME, POOL_FRAMES * SOCKET_BYTES_PER_FRAME);
        this.replies = replies(REPLY_GROUP);
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
        Replies replies = new Replies(socket, capacity);
        synchronized (senders) {
            senders.add(replies);
        }
        return replies;
    }

    /** Keeps what a thread's reply batch sent in the port's count once the thread is gone. */
    void retire(Replies replies) {
        synchronized (senders) {
            if (senders.remove(replies)) {
                retiredSent += replies.sent();
            }
        }
    }

    int sectorsPerFrame() {
        return Target.maxSectors(refreshMtu(), Frame.CAPACITY);
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
                if (send(frame, target.writeAnnouncement(frame.buffer, this, destination))) {
                    announcementsSent.incrementAndGet();
                }
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Receives a batch of frames per system call into frames the loop holds on to between calls,
     * dispatches each, and tops the batch up from the pool: no allocation per frame.
     */
    private void receive() {
        int held = 0;
        while (!closed) {
            held = topUp(held);
            if (held == 0) {
                Frame frame = waitForFrame();
                if (frame == null) {
                    return;
                }
                hold(0, frame);
                held = 1;
            }
            int n;
            try {
                n = socket.receiveBatch(batchBuffers, batchLengths, held);
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
            long now = System.nanoTime();
            if (n > 0) {
                framesReceived.setOpaque(framesReceived.getPlain() + n);
                receiveBatches.setOpaque(receiveBatches.getPlain() + 1);
            }
            for (int i = 0; i < n; i++) {
                Frame frame = batch[i];
                frame.length = batchLengths[i];
                frame.receivedNanos = now;
                try {
                    dispatch(frame, n == 1);
                } catch (RuntimeException e) {
                    // A frame the code did not foresee must never stop the port for every export.
                    LOG.log(Level.WARNING, interfaceName() + ": frame dropped after an internal error", e);
                }
            }
            replies.send();
            wakeExports();
            // The frames not filled move to the front; the dispatched ones now belong to others.
            System.arraycopy(batch, n, batch, 0, held - n);
            System.arraycopy(batchBuffers, n, batchBuffers, 0, held - n);
            held -= n;
        }
    }

    /** Fills the batch with free frames from slot {@code held} on; returns how many it holds. */
    private int topUp(int held) {
        while (held < batch.length) {
            Frame frame = pool.take();
            if (frame == null) {
                break;
            }
            hold(held++, frame);
        }
        return held;
    }

    private void hold(int slot, Frame frame) {
        batch[slot] = frame;
        batchBuffers[slot] = frame.buffer;
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

    /** All frames are in flight: the kernel buffers new ones while I/O threads return some. */
    private Frame waitForFrame() {
        while (!closed) {
            try {
                Frame frame = pool.await(POOL_WAIT_MILLIS);
                if (frame != null) {
                    return frame;
                }
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Gives the frame to every export it is addressed to; a broadcast that several exports take
     * gets a copy each, because each rewrites its own reply.
     *
     * @param alone the frame came alone in its receive call: nothing else is waiting behind it
     */
    private void dispatch(Frame frame, boolean alone) {
        Export[] current = exports;
        Export first = null;
        for (Export export : current) {
            if (!export.target.accepts(frame.buffer, frame.length, export.receiveCounts(this))) {
                continue;
            }
            if (first == null) {
                first = export;
                continue;
            }
            Frame copy = pool.take();
            if (copy == null) {
                continue;
            }
            copy.buffer.put(0, frame.buffer, 0, frame.length);
            copy.length = frame.length;
            copy.receivedNanos = frame.receivedNanos;
            deliver(export, copy, false);
        }
        if (first == null) {
            frame.release();
        } else {
            // A lone request for the only export on the port, with its I/O threads idle, has
            // nothing to overlap with and no other export to hold up: answering it here saves
            // the two thread switches of a hand-off (a durable write at window 1, e.g. a
            // database's commits). Write-back exports keep the hand-off: their writes are
            // cheap, and batching them on an I/O thread measured faster than mixing both.
            deliver(first, frame, alone && current.length == 1 && first.idle()
                    && first.store.writeCache() == WriteCache.OFF);
        }
    }

    /**
     * Answers on this thread what cannot block: requests served from memory, and reads whose
     * data is in the page cache, so a window-1 request costs no hand-off to another thread;
     * with {@code mayWait}, anything. The rest queues for the export's I/O threads, woken once
     * the whole batch is dispatched.
     */
    private void deliver(Export export, Frame frame, boolean mayWait) {
        TargetCounts counts = export.receiveCounts(this);
        int n;
        try {
            n = mayWait || Target.answersFromMemory(frame.buffer, frame.length)
                    ? export.target.handle(frame.buffer, frame.length, this, counts)
                    : export.target.handleCached(frame.buffer, frame.length, this, counts);
        } catch (RuntimeException e) {
            // A frame the code did not foresee must never stop the port for every export.
            LOG.log(Level.WARNING, export.target + ": frame dropped after an internal error", e);
            n = Target.NO_REPLY;
        }
        if (n == Target.WOULD_BLOCK) {
            export.submit(frame);
            wakeLater(export);
        } else {
            replies.put(frame, n, counts);
        }
    }

    /**
     * Notes the export for a wake-up once the batch is dispatched. The note is the port's own:
     * an export on several ports is fed by several receive threads.
     */
    private void wakeLater(Export export) {
        for (int i = 0; i < wokenCount; i++) {
            if (woken[i] == export) {
                return;
            }
        }
        if (wokenCount == woken.length) {
            export.wake();
            return;
        }
        woken[wokenCount++] = export;
    }

    private void wakeExports() {
        for (int i = 0; i < wokenCount; i++) {
            woken[i].wake();
            woken[i] = null;
        }
        wokenCount = 0;
    }

    /** Sends one frame; returns whether it went out. */
    private boolean send(Frame frame, int length) {
        try {
            socket.send(frame.buffer, length);
            return true;
        } catch (IOException e) {
            // A lost reply is retransmitted by the initiator; the engine keeps serving.
            LOG.log(Level.FINE, interfaceName() + ": send failed", e);
            return false;
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
        long sent = announcementsSent.get();
        synchronized (senders) {
            sent += retiredSent;
            for (Replies r : senders) {
                sent += r.sent();
            }
        }
        return sent;
    }

    @Override
    public synchronized long framesDropped() {
        try {
            framesDropped += socket.takeDrops();
        } catch (IOException e) {
            // Closed: the drops counted so far are all there will be.
        }
        return framesDropped;
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
    }
}
