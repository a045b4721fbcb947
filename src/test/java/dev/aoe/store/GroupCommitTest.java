package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GroupCommitTest {
    private static final int WRITERS = 32;
    private static final long SHORT_WAIT_MS = 200;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void flushedWritesCountEachWriteOnceAndNotTheEarlierProcesssPlaceholder() throws Exception {
        GroupCommit commit = new GroupCommit(() -> { });
        commit.awaitDurable(commit.lastCompleted());
        assertEquals(1, commit.flushes(), "the first flush always reaches the disk");
        assertEquals(0, commit.flushedWrites(), "it made no write of ours durable");
        commit.completed();
        commit.completed();
        long third = commit.completed();
        commit.awaitDurable(third);
        commit.awaitDurable(third);
        assertEquals(2, commit.flushes(), "a write already durable needs no flush");
        assertEquals(3, commit.flushedWrites(), "three writes, one flush");
    }

    /**
     * A model disk: writers put a value in the "page cache"; a flush snapshots the page cache when
     * it starts and makes the snapshot "durable" when it ends. A writer that returns must find its
     * value durable, which holds only if a flush started after its write and finished.
     */
    @Test
    void writeReturnsOnlyAfterAFlushThatStartedAfterIt() throws Exception {
        int rounds = 200;
        AtomicIntegerArray pageCache = new AtomicIntegerArray(WRITERS);
        AtomicIntegerArray disk = new AtomicIntegerArray(WRITERS);
        GroupCommit commit = new GroupCommit(() -> {
            int[] snapshot = new int[WRITERS];
            for (int i = 0; i < WRITERS; i++) {
                snapshot[i] = pageCache.get(i);
            }
            Thread.onSpinWait();
            for (int i = 0; i < WRITERS; i++) {
                disk.set(i, snapshot[i]);
            }
        });
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            writers.add(pool.submit(() -> {
                for (int value = 1; value <= rounds; value++) {
                    pageCache.set(id, value);
                    commit.awaitDurable(commit.completed());
                    int durable = disk.get(id);
                    if (durable < value) {
                        throw new AssertionError("writer " + id + " returned value " + value
                                + " while the disk holds " + durable);
                    }
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
    }

    @Test
    void aWriteCompletedDuringAFlushWaitsForTheNextOne() throws Exception {
        CountDownLatch firstFlushStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstFlush = new CountDownLatch(1);
        AtomicInteger flushCalls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            if (flushCalls.incrementAndGet() == 1) {
                firstFlushStarted.countDown();
                await(releaseFirstFlush);
            }
        });
        long first = commit.completed();
        Future<?> firstWriter = pool.submit(() -> {
            commit.awaitDurable(first);
            return null;
        });
        assertTrue(firstFlushStarted.await(5, TimeUnit.SECONDS));

        long second = commit.completed();
        Future<?> secondWriter = pool.submit(() -> {
            commit.awaitDurable(second);
            return null;
        });
        assertThrows(TimeoutException.class, () -> secondWriter.get(SHORT_WAIT_MS, TimeUnit.MILLISECONDS),
                "a write completed after the flush started must not return with it");

        releaseFirstFlush.countDown();
        firstWriter.get(5, TimeUnit.SECONDS);
        secondWriter.get(5, TimeUnit.SECONDS);
        assertEquals(2, flushCalls.get());
        assertEquals(2, commit.flushes());
    }

    @Test
    void concurrentWritersShareFlushes() throws Exception {
        AtomicInteger flushCalls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            flushCalls.incrementAndGet();
            sleep(20); // a slow disk: writers pile up behind the flush in progress
        });
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(pool.submit(() -> {
                start.await();
                commit.awaitDurable(commit.completed());
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
        assertTrue(flushCalls.get() <= WRITERS / 4,
                WRITERS + " concurrent writers caused " + flushCalls.get() + " flushes");
        assertEquals(flushCalls.get(), commit.flushes());
    }

    @Test
    void aFailedFlushFailsEveryWaiterAndStaysFailed() throws Exception {
        IOException diskError = new IOException("Input/output error");
        CountDownLatch flushStarted = new CountDownLatch(1);
        CountDownLatch releaseFlush = new CountDownLatch(1);
        AtomicInteger flushCalls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            flushCalls.incrementAndGet();
            flushStarted.countDown();
            await(releaseFlush);
            throw diskError;
        });
        int waiters = 4;
        long[] seqs = new long[waiters];
        for (int i = 0; i < waiters; i++) {
            seqs[i] = commit.completed();
        }
        List<Future<?>> futures = new ArrayList<>();
        for (long seq : seqs) {
            futures.add(pool.submit(() -> {
                commit.awaitDurable(seq);
                return null;
            }));
        }
        assertTrue(flushStarted.await(5, TimeUnit.SECONDS));
        sleep(SHORT_WAIT_MS); // let every waiter queue behind the flush
        releaseFlush.countDown();

        for (Future<?> future : futures) {
            Throwable failure = assertThrows(Exception.class, () -> future.get(5, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(IOException.class, failure);
            assertTrue(failure == diskError || failure.getCause() == diskError, "caused by the flush error");
        }
        IOException later = assertThrows(IOException.class, () -> commit.awaitDurable(commit.completed()));
        assertSame(diskError, later.getCause());
        assertTrue(later.getMessage().contains("written data may be lost"), later.getMessage());
        assertEquals(1, flushCalls.get(), "a failed flush is not retried, which could hide the loss");
    }

    @Test
    void aWriteDurableBeforeAFailureStillSucceeds() throws Exception {
        AtomicInteger flushCalls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            if (flushCalls.incrementAndGet() == 2) {
                throw new IOException("Input/output error");
            }
        });
        long durable = commit.completed();
        commit.awaitDurable(durable);
        assertThrows(IOException.class, () -> commit.awaitDurable(commit.completed()));
        commit.awaitDurable(durable);
    }

    @Test
    void aRuntimeFailureOfTheFlushIsReportedAsIoFailure() {
        GroupCommit commit = new GroupCommit(() -> {
            throw new IllegalStateException("closed");
        });
        assertThrows(IllegalStateException.class, () -> commit.awaitDurable(commit.completed()));
        IOException later = assertThrows(IOException.class, () -> commit.awaitDurable(commit.completed()));
        assertInstanceOf(IllegalStateException.class, later.getCause().getCause());
    }

    @Test
    void theFirstFlushAlwaysReachesTheDisk() throws IOException {
        AtomicInteger flushCalls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(flushCalls::incrementAndGet);
        commit.awaitDurable(commit.lastCompleted());
        assertEquals(1, flushCalls.get(), "writes of an earlier process may still be in the page cache");
        commit.awaitDurable(commit.lastCompleted());
        assertEquals(1, flushCalls.get(), "nothing new to flush");
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("test latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
