package dev.aoe.store;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Lets concurrent writers share one flush (group commit).
 *
 * <p>A writer calls {@link #completed()} once its data is written (to the page cache or the
 * device), which hands it a sequence number, then {@link #awaitDurable(long)}. A flush covers
 * every write completed before the flush started; it is run by whichever waiter finds no flush in
 * progress, outside the lock, so writers arriving during a flush queue up behind it and are all
 * covered by the next one.
 *
 * <p>A failed flush is sticky: Linux may mark the pages it could not write as clean, so a later
 * successful flush would prove nothing about them. Every waiter of the failed flush, and every
 * later one whose write was not already durable, gets an IOException until the store is
 * reopened.
 */
final class GroupCommit {
    /** The durability action, {@code FileChannel.force(false)} in production. */
    @FunctionalInterface
    interface Flush {
        void flush() throws IOException;
    }

    private final Flush flush;
    private final Object lock = new Object();
    /** Sequence number of the last completed write. */
    private long completedSeq;
    /** Every write with a sequence number up to this one is durable. */
    private long durableSeq;
    private boolean flushing;
    /** Number of flushes started, for tests and metrics. */
    private long flushes;
    /** Writes made durable by the flushes that succeeded, for metrics. */
    private long flushedWrites;
    private IOException failure;

    GroupCommit(Flush flush) {
        this.flush = flush;
        // The page cache may still hold writes acknowledged by an earlier process (an engine
        // restart in write-back mode): count them as one completed write, so the first flush
        // requested always reaches the disk.
        this.completedSeq = 1;
    }

    /** Records a completed write; returns the sequence number to pass to {@link #awaitDurable}. */
    long completed() {
        synchronized (lock) {
            return ++completedSeq;
        }
    }

    /** Sequence number of the last completed write: awaiting it covers everything so far. */
    long lastCompleted() {
        synchronized (lock) {
            return completedSeq;
        }
    }

    /** Returns once write {@code seq} is durable, running a flush if none is in progress. */
    void awaitDurable(long seq) throws IOException {
        while (true) {
            long target;
            synchronized (lock) {
                while (flushing && durableSeq < seq && failure == null) {
                    waitForFlush();
                }
                if (durableSeq >= seq) {
                    return;
                }
                if (failure != null) {
                    throw new IOException("an earlier flush failed, written data may be lost: "
                            + failure.getMessage(), failure);
                }
                flushing = true;
                flushes++;
                target = completedSeq;
            }
            runFlush(target);
        }
    }

    /** Number of flushes started so far. */
    long flushes() {
        synchronized (lock) {
            return flushes;
        }
    }

    /** Number of writes made durable by a flush so far. */
    long flushedWrites() {
        synchronized (lock) {
            return flushedWrites;
        }
    }

    /** Runs the flush outside the lock, then publishes its outcome to every waiter. */
    private void runFlush(long target) throws IOException {
        try {
            flush.flush();
        } catch (IOException e) {
            publish(target, e);
            throw e;
        } catch (RuntimeException | Error e) {
            publish(target, new IOException("flush failed: " + e, e));
            throw e;
        }
        publish(target, null);
    }

    private void publish(long target, IOException error) {
        synchronized (lock) {
            flushing = false;
            if (error == null) {
                // Sequence number 1 stands for an earlier process's writes, not one of ours.
                flushedWrites += Math.max(0, target - Math.max(durableSeq, 1));
                durableSeq = Math.max(durableSeq, target);
            } else {
                failure = error;
            }
            lock.notifyAll();
        }
    }

    private void waitForFlush() throws IOException {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a flush");
        }
    }
}
