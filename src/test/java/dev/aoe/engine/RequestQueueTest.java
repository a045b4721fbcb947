package dev.aoe.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestQueueTest {
    private final FramePool pool = new FramePool(8, null);

    @Test
    void takesInBatchesInArrivalOrderAndRefusesBeyondCapacity() throws Exception {
        RequestQueue queue = new RequestQueue(3);
        Frame a = pool.take();
        Frame b = pool.take();
        Frame c = pool.take();
        assertTrue(queue.offer(a));
        assertTrue(queue.offer(b));
        assertTrue(queue.offer(c));
        assertFalse(queue.offer(pool.take()), "a full queue refuses; the caller drops the frame");

        Frame[] into = new Frame[2];
        assertEquals(2, queue.take(into, 0));
        assertSame(a, into[0]);
        assertSame(b, into[1]);
        assertEquals(1, queue.take(into, 0));
        assertSame(c, into[0]);
        assertEquals(0, queue.take(into, 10), "an empty queue times out with nothing");
    }

    @Test
    void wrapsAroundTheRing() throws Exception {
        RequestQueue queue = new RequestQueue(2);
        Frame[] into = new Frame[1];
        for (int i = 0; i < 5; i++) {
            Frame f = pool.take();
            assertTrue(queue.offer(f));
            assertEquals(1, queue.take(into, 0));
            assertSame(f, into[0]);
            f.release();
        }
        assertNull(queue.poll());
    }

    @Test
    void wakeReleasesAWaitingThread() throws Exception {
        RequestQueue queue = new RequestQueue(4);
        CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take(new Frame[4], 30_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(queue.offer(pool.take()));
        assertTrue(queue.offer(pool.take()));
        queue.wake();
        // The waiter may also have seen the frames on its own; either way it takes both at once.
        assertEquals(2, taken.get(10, TimeUnit.SECONDS));
    }

    @Test
    void requestsAreUnattendedOnlyWhileNoThreadWaits() throws Exception {
        RequestQueue queue = new RequestQueue(4);
        assertFalse(queue.unattended(), "nothing queued");
        assertTrue(queue.offer(pool.take()));
        assertTrue(queue.unattended(), "queued with no thread waiting: the export adds one");
        assertEquals(1, queue.take(new Frame[4], 0));
        assertFalse(queue.unattended());
    }
}
