package dev.aoe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work by key on one thread: in order, a failed key retried with doubling waits, a bounded number of times. */
class WorkQueueTest {
    private static final Duration FIRST = Duration.ofMillis(20);
    private final Map<String, List<Long>> runs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final WorkQueue queue = new WorkQueue("test-queue", this::work, 3, FIRST);

    @AfterEach
    void tearDown() {
        queue.close(() -> { }, Duration.ofSeconds(1));
    }

    private void work(String key) throws IOException {
        runs.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        if (failuresLeft.getOrDefault(key, new AtomicInteger()).getAndDecrement() > 0) {
            throw new IOException(key + " failed");
        }
    }

    @Test
    void keysRunInTheOrderQueuedOnOneThread() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        WorkQueue ordered = new WorkQueue("test-ordered", key -> {
            assertEquals("test-ordered", Thread.currentThread().getName());
            order.add(key);
        }, 3, FIRST);
        for (String key : List.of("a", "b", "a", "c")) {
            ordered.add(key);
        }
        ordered.close(() -> { }, Duration.ofSeconds(1));
        assertEquals(List.of("a", "b", "a", "c"), order, "every add runs, in order");
    }

    @Test
    void aFailedKeyIsRetriedWithDoublingWaitsUntilItSucceeds() throws Exception {
        failuresLeft.put("a", new AtomicInteger(2));
        queue.add("a");
        awaitRuns("a", 3);
        List<Long> a = runs.get("a");
        long first = a.get(1) - a.get(0);
        long second = a.get(2) - a.get(1);
        assertTrue(first >= FIRST.toNanos(), "first retry after " + first / 1_000_000 + " ms");
        assertTrue(second >= 2 * FIRST.toNanos(), "second retry after " + second / 1_000_000 + " ms (doubled)");
        Thread.sleep(8 * FIRST.toMillis());
        assertEquals(3, runs.get("a").size(), "no retry after a success");
    }

    @Test
    void retriesAreBoundedThenTheNextAddStartsAfresh() throws Exception {
        failuresLeft.put("a", new AtomicInteger(100));
        queue.add("a");
        awaitRuns("a", 4); // the run and 3 retries
        Thread.sleep(16 * FIRST.toMillis()); // longer than a fourth retry would wait
        assertEquals(4, runs.get("a").size(), "given up after 3 retries");

        queue.add("a");
        awaitRuns("a", 8); // counted from zero again: the run and 3 more retries
    }

    @Test
    void oneFailingKeyLeavesTheOthersAlone() throws Exception {
        failuresLeft.put("a", new AtomicInteger(100));
        queue.add("a");
        queue.add("b");
        awaitRuns("b", 1);
        assertEquals(1, runs.get("b").size());
    }

    @Test
    void closeRunsTheLastTaskAfterWhatIsQueued() throws Exception {
        WorkQueue q = new WorkQueue("test-close", this::work, 3, FIRST);
        CountDownLatch last = new CountDownLatch(1);
        q.add("a");
        q.close(() -> {
            assertEquals(1, runs.get("a").size(), "queued work ran first");
            last.countDown();
        }, Duration.ofSeconds(1));
        assertTrue(last.await(0, TimeUnit.MILLISECONDS));
        q.add("b"); // closed: dropped without an exception
        assertTrue(!runs.containsKey("b"));
    }

    private void awaitRuns(String key, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runs.getOrDefault(key, List.of()).size() < count) {
            assertTrue(System.nanoTime() < deadline, key + " ran " + runs.getOrDefault(key, List.of()).size()
                    + " times, expected " + count);
            Thread.sleep(5);
        }
    }
}
