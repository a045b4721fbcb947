package dev.aoe.store;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Makes every sector read and written whole. A buffered read that overlaps a write of the same
 * page may copy part old, part new data (the page cache does not make 512-byte sectors atomic, as
 * a disk does), so reads share and writes exclude a lock per 4 KiB page of the source, striped
 * over a fixed set. A range takes its stripes in increasing index order, so two ranges never
 * wait on each other in a cycle. Nothing is allocated per I/O.
 */
final class SectorLocks {
    private static final int STRIPES = 64;
    private static final int PAGE_SHIFT = 12;

    private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];

    SectorLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    void lock(long position, int length, boolean write) {
        int first = firstStripe(position);
        int count = stripeCount(position, length);
        for (int i = 0; i < STRIPES; i++) {
            if (covers(i, first, count)) {
                lockOf(i, write).lock();
            }
        }
    }

    /** Takes the read locks of the range only if none is held by a writer; never waits. */
    boolean tryLockRead(long position, int length) {
        int first = firstStripe(position);
        int count = stripeCount(position, length);
        for (int i = 0; i < STRIPES; i++) {
            if (covers(i, first, count) && !stripes[i].readLock().tryLock()) {
                unlockBelow(i, first, count);
                return false;
            }
        }
        return true;
    }

    void unlock(long position, int length, boolean write) {
        int first = firstStripe(position);
        int count = stripeCount(position, length);
        for (int i = 0; i < STRIPES; i++) {
            if (covers(i, first, count)) {
                lockOf(i, write).unlock();
            }
        }
    }

    private void unlockBelow(int end, int first, int count) {
        for (int i = 0; i < end; i++) {
            if (covers(i, first, count)) {
                stripes[i].readLock().unlock();
            }
        }
    }

    private Lock lockOf(int stripe, boolean write) {
        return write ? stripes[stripe].writeLock() : stripes[stripe].readLock();
    }

    private static int firstStripe(long position) {
        return (int) ((position >>> PAGE_SHIFT) % STRIPES);
    }

    private static int stripeCount(long position, int length) {
        long pages = ((position + Math.max(length, 1) - 1) >>> PAGE_SHIFT) - (position >>> PAGE_SHIFT) + 1;
        return (int) Math.min(pages, STRIPES);
    }

    private static boolean covers(int stripe, int first, int count) {
        return Math.floorMod(stripe - first, STRIPES) < count;
    }
}
