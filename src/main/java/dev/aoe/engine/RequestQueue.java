package dev.aoe.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests of one export waiting for its I/O threads: a bounded ring of frames that the
 * receive loop fills and the I/O threads take in batches. Adding does not wake a thread; the
 * receive loop calls {@link #wake()} once per received batch, and a thread that leaves
 * requests behind wakes the next, so one burst costs one wake-up, not one per frame.
 */
final class RequestQueue {
    private final Frame[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private int head;
    private int count;
    /** Threads waiting in {@link #take}. */
    private int waiting;

    RequestQueue(int capacity) {
        ring = new Frame[capacity];
    }

    /** Queues a frame without waking anyone; false when the queue is full. */
    boolean offer(Frame frame) {
        lock.lock();
        try {
            if (count == ring.length) {
                return false;
            }
            ring[(head + count) % ring.length] = frame;
            count++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes one waiting I/O thread if anything is queued. */
    void wake() {
        lock.lock();
        try {
            if (count > 0) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code into.length} frames into {@code into}, waiting up to {@code millis}
     * for the first; returns how many (0 on time-out). Wakes another thread if some remain.
     */
    int take(Frame[] into, long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (count == 0) {
                if (nanos <= 0) {
                    return 0;
                }
                waiting++;
                try {
                    nanos = notEmpty.awaitNanos(nanos);
                } finally {
                    waiting--;
                }
            }
            int n = Math.min(count, into.length);
            for (int i = 0; i < n; i++) {
                into[i] = removeHead();
            }
            if (count > 0) {
                notEmpty.signal();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Whether requests wait with no thread waiting to take them: every thread is busy. */
    boolean unattended() {
        lock.lock();
        try {
            return count > 0 && waiting == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Takes every queued frame without waiting; for closing. */
    Frame poll() {
        lock.lock();
        try {
            return count == 0 ? null : removeHead();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the oldest frame; the caller holds the lock and has seen one queued. */
    private Frame removeHead() {
        Frame frame = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        return frame;
    }
}
