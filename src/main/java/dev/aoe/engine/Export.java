package dev.aoe.engine;

import dev.aoe.ata.Outcome;
import dev.aoe.ata.UnflushedWrites;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.FileStore;
import dev.aoe.store.WriteCache;
import dev.aoe.responder.Target;
import dev.aoe.responder.TargetCounts;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A served export: its target, its store and its own I/O threads. A port hands it the frames
 * it accepts, and the export decides where each is answered: on the receive thread when that
 * cannot hold anything up, or queued here, so a slow or stalled source delays only its own
 * export. An I/O thread takes the queued requests in batches: it writes a batch, makes its
 * writes durable with one flush, and sends its replies with one system call. Several threads
 * per export let reads that miss the page cache wait for the disk in parallel, and their writes
 * share flushes too (group commit). An export starts with one I/O thread and adds more, up to
 * its maximum, only while requests wait with every thread busy: an idle export costs one thread.
 * <p>
 * An export may be served on several ports (paths) at once; its state, store and threads are
 * shared by all of them, and each reply leaves by the port its request came in on.
 */
final class Export implements ExportCounters, Closeable {
    private static final Logger LOG = Logger.getLogger(Export.class.getName());
    /** How often an idle I/O thread checks whether its export is closing. */
    private static final long IDLE_CHECK_MILLIS = 200;
    /** Most requests an I/O thread takes at once; a larger backlog wakes another thread. */
    static final int BATCH = 16;
    /**
     * A write-back write answered on the receive thread that took longer than this was held up
     * by the kernel: dirty-page throttling (pauses of 10 to 200 ms) or a frozen file system. One
     * to the page cache takes microseconds; a machine shared with builds delays a runnable
     * thread by a few milliseconds, which must not send the writes away.
     */
    static final long SLOW_INLINE_NANOS = 50_000_000;
    /** How long the writes of an export go to its I/O threads after a slow one on the receive thread. */
    static final long INLINE_BACKOFF_NANOS = 1_000_000_000;

    final ExportSpec spec;
    final Target target;
    final FileStore store;
    /** The ports it is served on, in the order the spec names their interfaces. */
    final Port[] ports;
    /** The source was found deleted or replaced, and that was logged. */
    private final AtomicBoolean sourceGoneLogged = new AtomicBoolean();
    private final Instant since = Instant.now();
    private final RequestQueue queue;
    /** The I/O threads started so far, in order; guarded by {@code this}. */
    private final Thread[] workers;
    private int started;
    private volatile boolean closed;
    /** Requests queued or being answered by the I/O threads, replies not yet sent. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * {@link System#nanoTime()} from which write-back writes may be answered on a receive thread
     * again (see {@link #offer}); a plain race between receive threads only moves it a little.
     */
    private volatile long inlineWritesFrom = System.nanoTime();
    /** Write-back writes on a receive thread that took long and sent the writes to the I/O threads. */
    private final AtomicLong slowInlineWrites = new AtomicLong();
    /**
     * Counted by each port's receive thread alone, one block per path in the order of {@link
     * #ports}: what it refuses and answers itself.
     */
    private final TargetCounts[] receiveCounts;
    /** The receive threads' blocks, then one per I/O thread started; replaced whole under {@code this}. */
    private volatile TargetCounts[] counts;

    Export(ExportSpec spec, Target target, FileStore store, List<Port> ports, int ioThreads) {
        this.spec = spec;
        this.target = target;
        this.store = store;
        this.ports = ports.toArray(Port[]::new);
        this.receiveCounts = new TargetCounts[this.ports.length];
        for (int i = 0; i < receiveCounts.length; i++) {
            receiveCounts[i] = new TargetCounts();
        }
        this.counts = receiveCounts.clone();
        // Room for a few windows beyond the advertised count: tools and other initiators add up.
        this.queue = new RequestQueue(Math.max(64, spec.bufferCount() * 4));
        this.workers = new Thread[ioThreads];
    }

    void start() {
        addWorker();
    }

    /** Starts one more I/O thread, unless all are running or the export is closing. */
    private synchronized void addWorker() {
        if (closed || started == workers.length) {
            return;
        }
        // Each I/O thread counts in a block of its own: no two threads ever write one counter.
        TargetCounts own = new TargetCounts();
        counts = append(counts, own);
        Thread t = new Thread(() -> work(own), "aoe-io-" + target + "-" + started);
        t.setDaemon(true);
        workers[started++] = t;
        t.start();
    }

    /**
     * Whether the export takes the frame (see {@link Target#accepts}); what it refuses is counted
     * in the block of the frame's receive thread.
     */
    boolean accepts(Frame frame) {
        return target.accepts(frame.buffer, frame.length, receiveCounts(frame.port));
    }

    /**
     * Answers an accepted frame on the calling receive thread, or queues it for the I/O threads
     * and notes the export in {@code wakeups}, woken once the receive loop's batch is dispatched.
     * What cannot block is answered here: requests answered from memory, and reads whose data is
     * in the page cache, so a window-1 request costs no hand-off to another thread.
     * <p>
     * A receive thread that waits only delays the exports on its own port. So an export that is
     * the only one on the frame's port ({@code soleExport}), with nothing queued for its I/O
     * threads (which keeps its writes in order), has more answered here:
     * <ul>
     * <li>write-back writes: they wait for the page cache only, and answering them here saves
     * the hand-off per batch (a futex wake and two thread switches), which measured slower than
     * vblade's one thread per export. A write that took longer than {@link #SLOW_INLINE_NANOS}
     * (dirty-page throttling, a frozen file system) sends the export's writes back to its I/O
     * threads for {@link #INLINE_BACKOFF_NANOS}, so its cached reads and queries keep being
     * answered while its disk is slow;</li>
     * <li>a durable request alone in its receive call ({@code aloneInBatch}) with the I/O threads
     * idle: it has nothing to overlap with, so it is answered here even if it waits for the
     * disk, saving a hand-off (a durable write at window 1, e.g. a database's commits).</li>
     * </ul>
     * State edits (mask, config, reserve) of a write-back export, and every request that may
     * block of an export that shares its port, keep the hand-off: they never wait on the receive
     * thread.
     * <p>
     * An export added to a port while its receive thread is inside such a write or state save
     * (a frozen file system holds it until the thaw) gets no frame until it returns: the receive
     * thread cannot be taken back from the kernel. So the guarantee that one export's stalled
     * source never slows another holds for the exports that shared the port when the request
     * began; the added export waits at most as long as that one request, and from then on the
     * port is shared, so nothing of either export waits on the receive thread again.
     *
     * @param replies the receive thread's replies, where an answer goes
     */
    void offer(Frame frame, boolean aloneInBatch, boolean soleExport, Replies replies, Wakeups wakeups) {
        TargetCounts counts = receiveCounts(frame.port);
        boolean idle = inFlight.get() == 0;
        int n;
        if (soleExport && idle && store.writeCache() == WriteCache.WRITE_BACK) {
            n = answerWriteBack(frame, counts);
        } else {
            boolean mayWait = aloneInBatch && soleExport && idle && store.writeCache() == WriteCache.OFF;
            n = answer(frame, mayWait, false, null, counts);
        }
        if (n == Outcome.WOULD_BLOCK) {
            queue(frame, counts);
            wakeups.add(this);
        } else {
            replies.put(frame, n, counts);
        }
    }

    /**
     * Answers what cannot block and, unless a recent one took long, a write-back write; times
     * the answer, and keeps writes off the receive thread for a while after a slow one.
     */
    private int answerWriteBack(Frame frame, TargetCounts counts) {
        long start = System.nanoTime();
        boolean writes = start - inlineWritesFrom >= 0;
        int n = answer(frame, false, writes, null, counts);
        long took = System.nanoTime() - start;
        if (writes && took > SLOW_INLINE_NANOS) {
            inlineWritesFrom = start + took + INLINE_BACKOFF_NANOS;
            slowInlineWrites.incrementAndGet();
        }
        return n;
    }

    /**
     * Queues a request for the I/O threads without waking one, or drops it, counted in {@code
     * counts}, when the queue or the port's frame pool is full. A ring slot is copied into a pool
     * frame first and goes back to the kernel at once.
     */
    private void queue(Frame received, TargetCounts counts) {
        Frame frame = received.keep();
        if (frame == null) {
            counts.queueFull();
            return;
        }
        if (!closed && queue.offer(frame)) {
            inFlight.incrementAndGet();
        } else {
            counts.queueFull();
            frame.release();
        }
    }

    /** Wakes an I/O thread for what the receive loop queued. */
    void wake() {
        queue.wake();
    }

    private static TargetCounts[] append(TargetCounts[] blocks, TargetCounts block) {
        TargetCounts[] next = Arrays.copyOf(blocks, blocks.length + 1);
        next[blocks.length] = block;
        return next;
    }

    private void work(TargetCounts own) {
        Frame[] batch = new Frame[BATCH];
        // One reply batch per port, in the order of ports: a reply leaves by its request's port.
        Replies[] replies = new Replies[ports.length];
        for (int i = 0; i < ports.length; i++) {
            replies[i] = ports[i].replies(BATCH);
        }
        try {
            serve(batch, replies, own);
        } finally {
            for (int i = 0; i < ports.length; i++) {
                ports[i].retire(replies[i]);
            }
        }
    }

    private void serve(Frame[] batch, Replies[] replies, TargetCounts own) {
        UnflushedWrites unflushed = target.unflushedWrites(BATCH);
        while (!closed) {
            int n;
            try {
                n = queue.take(batch, IDLE_CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (n > 0 && queue.unattended()) {
                addWorker();
            }
            for (int i = 0; i < n; i++) {
                Frame frame = batch[i];
                batch[i] = null;
                replies[pathOf(frame.port)].put(frame, answer(frame, true, false, unflushed, own), own);
            }
            // Every write of the batch is durable before any of its replies leaves.
            unflushed.settle();
            for (Replies r : replies) {
                r.send();
            }
            inFlight.addAndGet(-n);
        }
    }

    /**
     * Rewrites the request into its reply on the calling thread, counting it in {@code counts};
     * without {@code mayWait}, only if that cannot block ({@link Target#handleNow}), or, with
     * {@code writeBack}, is a write to the page cache ({@link Target#handleNowOrWriteBack}).
     * With {@code unflushed}, durable writes wait for its settle (an I/O thread's batch).
     *
     * @return the reply length, {@link Outcome#NO_REPLY} or {@link Outcome#WOULD_BLOCK}
     */
    private int answer(Frame frame, boolean mayWait, boolean writeBack, UnflushedWrites unflushed,
            TargetCounts counts) {
        try {
            if (!mayWait) {
                return writeBack ? target.handleNowOrWriteBack(frame.buffer, frame.length, frame.port, counts)
                        : target.handleNow(frame.buffer, frame.length, frame.port, counts);
            }
            return unflushed == null ? target.handle(frame.buffer, frame.length, frame.port, counts)
                    : target.handle(frame.buffer, frame.length, unflushed, frame.port, counts);
        } catch (RuntimeException e) {
            // A frame the code did not foresee must never stop the threads that serve the export.
            LOG.log(Level.WARNING, target + ": frame dropped after an internal error", e);
            return Outcome.NO_REPLY;
        }
    }

    /** The index of {@code port} among this export's ports; a frame only comes from one of them. */
    private int pathOf(Port port) {
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == port) {
                return i;
            }
        }
        throw new IllegalStateException(target + " got a frame from " + port.interfaceName() + ", not one of its ports");
    }

    /** The counter block of {@code port}'s receive thread. */
    private TargetCounts receiveCounts(Port port) {
        return receiveCounts[pathOf(port)];
    }

    /** Tells initiators on every path that the export is here; a path that is down misses it. */
    void announce() {
        for (Port p : ports) {
            p.announce(target);
        }
    }

    /** Whether at least one path's link is up. */
    boolean reachable() {
        for (Port p : ports) {
            if (p.isUp()) {
                return true;
            }
        }
        return false;
    }

    /**
     * How the export is served now: its source, size and paths as initiators see them. Logs,
     * once, that its source file was found deleted or replaced.
     */
    ExportStatus status() {
        boolean gone = store.sourceGone();
        List<PathStatus> paths = paths();
        String down = interfacesDown(paths);
        String message = gone
                ? "the file " + store.path() + " was deleted or replaced while served; initiators still see the old data"
                        + " until the export is re-created"
                : "served on " + spec.interfaceName() + " as " + target + (down.isEmpty() ? "" : "; link down on " + down);
        if (gone && sourceGoneLogged.compareAndSet(false, true)) {
            LOG.warning(target + ": " + message);
        }
        return new ExportStatus(target.toString(), true,
                gone ? ExportStatus.SOURCE_DELETED : ExportStatus.SERVING, message,
                store.sectors() * FileStore.SECTOR_SIZE, store.readOnly(), store.writeCache().name(),
                since, store.created(), paths);
    }

    /** The interfaces of the paths whose link is down, comma separated; empty when all are up. */
    String downPaths() {
        return interfacesDown(paths());
    }

    private static String interfacesDown(List<PathStatus> paths) {
        return String.join(",", paths.stream().filter(p -> !p.up()).map(PathStatus::interfaceName).toList());
    }

    /** Each path as initiators on it see the export now. */
    private List<PathStatus> paths() {
        List<PathStatus> paths = new ArrayList<>(ports.length);
        for (Port p : ports) {
            int mtu = p.refreshMtu(); // read once: the sectors per frame follow from it
            paths.add(new PathStatus(p.interfaceName(), MacAddress.format(p.mac()), mtu, p.sectorsPerFrame(), p.isUp()));
        }
        return paths;
    }

    @Override
    public String target() {
        return target.toString();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String interfaceName() {
        return spec.interfaceName();
    }

    @Override
    public List<TargetCounts> counts() {
        return List.of(counts);
    }

    @Override
    public int requestsInFlight() {
        return inFlight.get();
    }

    @Override
    public long slowInlineWrites() {
        return slowInlineWrites.get();
    }

    @Override
    public long flushes() {
        return store.flushes();
    }

    @Override
    public long flushedWrites() {
        return store.flushedWrites();
    }

    @Override
    public void close() throws IOException {
        // No interrupt: interrupting a thread inside FileChannel I/O closes the channel.
        Thread[] running;
        synchronized (this) {
            closed = true;
            running = Arrays.copyOf(workers, started);
        }
        for (Thread t : running) {
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
