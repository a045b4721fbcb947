package dev.aoe.engine;

import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.MacAddress;
import dev.aoe.target.Link;
import dev.aoe.target.Target;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One interface the engine serves on: a raw socket, the exports on it, and the receive loop.
 * The loop answers what needs no disk itself and hands the rest to each export's I/O threads.
 */
final class Port implements Link, Closeable {
    private static final Logger LOG = Logger.getLogger(Port.class.getName());
    /** Frames in flight per interface; beyond this, frames are dropped and retransmitted. */
    private static final int POOL_FRAMES = 512;
    /** Kernel buffering per frame at jumbo MTU (vblade's README: about 16 KiB each). */
    private static final int SOCKET_BYTES_PER_FRAME = 16 * 1024;
    private static final long POOL_WAIT_MILLIS = 100;
    /** Pause between receives that fail, e.g. while the interface is down. */
    private static final long RECEIVE_RETRY_MILLIS = 100;

    private final RawSocket socket;
    private final long mac;
    private final FramePool pool = new FramePool(POOL_FRAMES);
    private final Thread receiver;
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private volatile int mtu;
    private volatile Export[] exports = new Export[0];
    private volatile boolean closed;
    /** Receive-thread only: the last receive failed (logged once per failure streak). */
    private boolean failing;

    Port(RawSocket socket) throws IOException {
        this.socket = socket;
        this.mac = MacAddress.of(socket.mac());
        this.mtu = socket.mtu();
        socket.setBufferSizes(POOL_FRAMES * SOCKET_BYTES_PER_FRAME, POOL_FRAMES * SOCKET_BYTES_PER_FRAME);
        this.receiver = new Thread(this::receive, "aoe-rx-" + socket.interfaceName());
        receiver.setDaemon(true);
    }

    void start() {
        receiver.start();
    }

    String interfaceName() {
        return socket.interfaceName();
    }

    boolean isUp() throws IOException {
        return socket.isUp();
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

    /** Sends the target's announcement to every destination it names. */
    void announce(Target target) {
        Frame frame = pool.take();
        if (frame == null) {
            return;
        }
        try {
            for (long destination : target.announcementDestinations()) {
                send(frame, target.writeAnnouncement(frame.buffer, destination));
            }
        } finally {
            frame.release();
        }
    }

    private void receive() {
        while (!closed) {
            Frame frame = pool.take();
            if (frame == null) {
                frame = waitForFrame();
                if (frame == null) {
                    return;
                }
            }
            int n;
            try {
                n = socket.receive(frame.buffer);
            } catch (IOException e) {
                frame.release();
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
            if (n <= 0) {
                frame.release();
                if (n < 0) {
                    return;
                }
                continue;
            }
            received.increment();
            frame.length = n;
            try {
                dispatch(frame);
            } catch (RuntimeException e) {
                // A frame the code did not foresee must never stop the port for every export.
                LOG.log(Level.WARNING, interfaceName() + ": frame dropped after an internal error", e);
            }
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
     */
    private void dispatch(Frame frame) {
        Export first = null;
        for (Export export : exports) {
            if (!export.target.accepts(frame.buffer, frame.length)) {
                continue;
            }
            if (first == null) {
                first = export;
                continue;
            }
            Frame copy = pool.take();
            if (copy == null) {
                dropped.increment();
                continue;
            }
            copy.buffer.put(0, frame.buffer, 0, frame.length);
            copy.length = frame.length;
            deliver(export, copy);
        }
        if (first == null) {
            frame.release();
        } else {
            deliver(first, frame);
        }
    }

    private void deliver(Export export, Frame frame) {
        if (Target.answersFromMemory(frame.buffer, frame.length)) {
            answer(export.target, frame);
        } else {
            export.submit(frame);
        }
    }

    /** Handles a request, sends the reply if there is one, and returns the frame to the pool. */
    void answer(Target target, Frame frame) {
        try {
            int n = target.handle(frame.buffer, frame.length);
            if (n != Target.NO_REPLY) {
                send(frame, n);
            }
        } finally {
            frame.release();
        }
    }

    private void send(Frame frame, int length) {
        try {
            socket.send(frame.buffer, length);
        } catch (IOException e) {
            // A lost reply is retransmitted by the initiator; the engine keeps serving.
            sendErrors.increment();
            LOG.log(Level.FINE, interfaceName() + ": send failed", e);
        }
    }

    long received() {
        return received.sum();
    }

    long dropped() {
        return dropped.sum();
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
