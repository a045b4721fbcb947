package dev.aoe.engine;

import dev.aoe.store.FileStore;
import dev.aoe.target.Target;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A served export: its target, its store and its own I/O threads. Requests that touch a disk
 * queue here, so a slow or stalled source delays only its own export; several threads per
 * export let concurrent writes share one flush (group commit).
 */
final class Export implements Closeable {
    private static final Logger LOG = Logger.getLogger(Export.class.getName());
    /** How often an idle I/O thread checks whether its export is closing. */
    private static final long IDLE_CHECK_MILLIS = 200;

    final ExportSpec spec;
    final Target target;
    final FileStore store;
    final Port port;
    /** The source was found deleted or replaced and that was logged; guarded by the engine. */
    boolean sourceGoneLogged;
    final Instant since = Instant.now();
    private final ArrayBlockingQueue<Frame> queue;
    private final Thread[] workers;
    private volatile boolean closed;

    Export(ExportSpec spec, Target target, FileStore store, Port port, int ioThreads) {
        this.spec = spec;
        this.target = target;
        this.store = store;
        this.port = port;
        // Room for a few windows beyond the advertised count: tools and other initiators add up.
        this.queue = new ArrayBlockingQueue<>(Math.max(64, spec.bufferCount() * 4));
        this.workers = new Thread[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            workers[i] = new Thread(this::work, "aoe-io-" + target + "-" + i);
            workers[i].setDaemon(true);
        }
    }

    void start() {
        for (Thread t : workers) {
            t.start();
        }
    }

    /** Queues a request for the I/O threads; drops it when the queue is full. */
    void submit(Frame frame) {
        if (closed || !queue.offer(frame)) {
            frame.release();
        }
    }

    private void work() {
        while (!closed) {
            Frame frame;
            try {
                frame = queue.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (frame == null) {
                continue;
            }
            try {
                port.answer(target, frame);
            } catch (RuntimeException e) {
                // answer() has already returned the frame to the pool: releasing it again would
                // put it there twice and hand one buffer to two requests at once.
                LOG.log(Level.WARNING, target + ": request failed", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        // No interrupt: interrupting a thread inside FileChannel I/O closes the channel.
        closed = true;
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Frame f;
        while ((f = queue.poll()) != null) {
            f.release();
        }
        store.close();
    }
}
