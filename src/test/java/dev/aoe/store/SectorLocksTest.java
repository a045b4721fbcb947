package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SectorLocksTest {
    private static final int PAGE = 4096;

    @Test
    void aReadOfSectorsBeingWrittenMustWaitAndOthersNeedNot() throws Exception {
        SectorLocks locks = new SectorLocks();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            locks.lock(10L * PAGE + 512, 1024, true);
            writing.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            locks.unlock(10L * PAGE + 512, 1024, true);
        });
        writer.start();
        assertTrue(writing.await(5, TimeUnit.SECONDS));

        assertFalse(locks.tryLockRead(10L * PAGE, 512 * 4), "overlapping read while the write is in progress");
        assertTrue(locks.tryLockRead(11L * PAGE, 512), "another page is free");
        locks.unlock(11L * PAGE, 512, false);
        done.countDown();
        writer.join(5_000);
        assertTrue(locks.tryLockRead(10L * PAGE, 512 * 4), "free once the write is done");
        locks.unlock(10L * PAGE, 512 * 4, false);
    }

    @Test
    void rangesThatWrapAroundTheStripesLockAndUnlockCleanly() throws Exception {
        SectorLocks locks = new SectorLocks();
        long wrapping = 63L * PAGE + 3584;
        locks.lock(wrapping, 8704, true);
        // Another thread: the writer's own thread may take read locks under its write lock.
        assertFalse(tryReadElsewhere(locks, 0, 512), "the range reaches the first stripes again");
        locks.unlock(wrapping, 8704, true);
        assertTrue(locks.tryLockRead(wrapping, 8704));
        locks.unlock(wrapping, 8704, false);
        assertTrue(locks.tryLockRead(0, 512));
        locks.unlock(0, 512, false);
    }

    /** Tries the read locks on another thread and releases them there. */
    private static boolean tryReadElsewhere(SectorLocks locks, long position, int length) throws Exception {
        boolean[] got = new boolean[1];
        Thread t = new Thread(() -> {
            got[0] = locks.tryLockRead(position, length);
            if (got[0]) {
                locks.unlock(position, length, false);
            }
        });
        t.start();
        t.join(5_000);
        return got[0];
    }
}
