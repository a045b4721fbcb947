package dev.aoe.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Work by key on one thread, in the order it is queued. A failed run is retried after
 * {@code firstRetry}, the wait doubling, at most {@code retries} times in a row; then the key
 * waits for its next {@link #add}. Nothing escapes the thread: a task that threw would be dropped
 * by the executor without a word or a retry.
 */
final class WorkQueue {
    private static final Logger LOG = Logger.getLogger(WorkQueue.class.getName());

    /** The work for one key; an exception asks for a retry. */
    interface Work {
        void run(String key) throws IOException;
    }

    private final Work work;
    private final int retries;
    private final Duration firstRetry;
    private final ScheduledExecutorService thread;
    /** Consecutive failed runs per key; confined to the thread. */
    private final Map<String, Integer> failures = new HashMap<>();

    WorkQueue(String threadName, Work work, int retries, Duration firstRetry) {
        this.work = work;
        this.retries = retries;
        this.firstRetry = firstRetry;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, threadName));
    }

    /** Queues one run of the work for {@code key}. */
    void add(String key) {
        execute(() -> run(key));
    }

    /** Queues {@code task} to run on the thread between the keys' work. */
    void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closed) {
            // Closing: nothing more to do.
        }
    }

    private void run(String key) {
        try {
            work.run(key);
            failures.remove(key);
        } catch (RuntimeException | IOException e) {
            retry(key, e);
        }
    }

    private void retry(String key, Exception e) {
        int failed = failures.merge(key, 1, Integer::sum);
        if (failed > retries) {
            failures.remove(key);
            LOG.log(Level.WARNING, key + ": " + e.getMessage() + " (retried on the next change or resync)", e);
            return;
        }
        long delay = firstRetry.toMillis() << (failed - 1);
        LOG.log(Level.WARNING, key + ": " + e.getMessage() + " (retried in " + delay + " ms)", e);
        try {
            thread.schedule(() -> run(key), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // Closing: nothing more to retry.
        }
    }

    /**
     * Runs {@code last} after what is queued, waiting at most {@code timeout} for it, then stops
     * the thread; retries still waiting are dropped.
     */
    void close(Runnable last, Duration timeout) {
        try {
            thread.submit(last).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "closing: " + e.getMessage(), e);
        } finally {
            thread.shutdownNow();
        }
    }
}
