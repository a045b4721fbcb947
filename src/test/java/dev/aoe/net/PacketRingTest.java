package dev.aoe.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Privileges;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A receive ring on a real AF_PACKET socket, over a veth pair between two network namespaces. */
@Timeout(60)
class PacketRingTest {
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(2);
    private static final int MIN_FRAME = 60;
    /** Few slots, so that the tests go round the ring many times. */
    private static final int SLOTS = 16;
    private static final int CAPACITY = 9216;

    private VethPair pair;
    private RawSocket a;
    private RawSocket b;
    private PacketRing ring;
    private final int[] slots = new int[RawSocket.MAX_BATCH];
    private final int[] lengths = new int[RawSocket.MAX_BATCH];

    @BeforeEach
    void openPair() throws Exception {
        Privileges.assumeNetworkNamespaces();
        pair = VethPair.create(VethPair.DEFAULT_MTU);
        a = pair.openA();
        b = pair.openB();
        b.setReceiveTimeout(RECEIVE_TIMEOUT);
    }

    @AfterEach
    void tearDown() {
        if (b != null) {
            b.close();
        }
        if (ring != null) {
            ring.close();
        }
        if (a != null) {
            a.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private ByteBuffer frameFromAToB(int length, int sequence) {
        return Frames.fill(Frames.buffer(length), b.mac(), a.mac(), Frames.AOE, 1, sequence, length);
    }

    @Test
    void slotsHoldAJumboFrameAfterTheirHeaderAndNeverSpanBlocks() throws Exception {
        ring = b.receiveRing(512, CAPACITY);
        assertTrue(ring.slots() >= 512, ring.toString());
        assertEquals(0, (PacketRing.FRAME_OFFSET + CAPACITY + 15) / 16 * 16 - ring.slotSize());
        assertEquals(CAPACITY, ring.frame(0).capacity());
        assertEquals("a packet ring (TPACKET_V2, " + ring.slots() + " slots of 9296 bytes)", ring.toString());
    }

    /** 20 bursts of 10 frames: 200 frames through a ring of about 16 slots, in order, in batches. */
    @Test
    void framesArriveInOrderInBatchesAndSlotsGivenBackAreFilledAgain() throws Exception {
        ring = b.receiveRing(SLOTS, CAPACITY);
        int burst = 10;
        ByteBuffer[] outgoing = new ByteBuffer[burst];
        int[] outgoingLengths = new int[burst];
        int expected = 0;
        int largestBatch = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < burst; i++) {
                int length = MIN_FRAME + (round * burst + i) % 100;
                outgoing[i] = frameFromAToB(length, round * burst + i);
                outgoingLengths[i] = length;
            }
            a.sendBatch(outgoing, outgoingLengths, burst);
            int received = 0;
            while (received < burst) {
                int n = ring.receive(slots, lengths, RawSocket.MAX_BATCH);
                assertTrue(n > 0, "round " + round + ": frame " + received + " never arrived");
                largestBatch = Math.max(largestBatch, n);
                for (int i = 0; i < n; i++) {
                    ByteBuffer frame = ring.frame(slots[i]);
                    ByteBuffer sent = frameFromAToB(MIN_FRAME + expected % 100, expected);
                    assertEquals(expected, Frames.sequence(frame));
                    assertEquals(MIN_FRAME + expected % 100, lengths[i]);
                    assertArrayEquals(Frames.bytes(sent, lengths[i]), Frames.bytes(frame, lengths[i]));
                    ring.release(slots[i]);
                    expected++;
                }
                received += n;
            }
        }
        assertEquals(200, expected);
        assertTrue(largestBatch > 1, "one walk of the ring should take several frames");
        assertEquals(0, b.takeDrops());
    }

    /** A receive that watches the empty ring takes frames one at a time as they come, and still times out. */
    @Test
    void aReceiveWatchingTheEmptyRingTakesEachFrameAndStillTimesOut() throws Exception {
        ring = b.receiveRing(SLOTS, CAPACITY);
        ring.spinBeforeWaiting(Duration.ofMillis(1).toNanos());
        for (int i = 0; i < 50; i++) {
            a.send(frameFromAToB(MIN_FRAME, i), MIN_FRAME);
            int n = ring.receive(slots, lengths, RawSocket.MAX_BATCH);
            assertEquals(1, n, "frame " + i);
            assertEquals(i, Frames.sequence(ring.frame(slots[0])));
            ring.release(slots[0]);
        }
        b.setReceiveTimeout(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertEquals(0, ring.receive(slots, lengths, RawSocket.MAX_BATCH));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= 90 && waitedMillis < 5_000, "waited " + waitedMillis + " ms");
    }

    @Test
    void aFrameLongerThanTheSlotIsCutToIt() throws Exception {
        pair.close();
        pair = VethPair.create(9000);
        b.close();
        a.close();
        a = pair.openA();
        b = pair.openB();
        b.setReceiveTimeout(RECEIVE_TIMEOUT);
        int capacity = 1000;
        ring = b.receiveRing(SLOTS, capacity);
        ByteBuffer sent = frameFromAToB(8000, 3);
        a.send(sent, 8000);

        assertEquals(1, ring.receive(slots, lengths, RawSocket.MAX_BATCH));
        assertEquals(capacity, lengths[0]);
        assertArrayEquals(Frames.bytes(sent, capacity), Frames.bytes(ring.frame(slots[0]), capacity));
        ring.release(slots[0]);
    }

    @Test
    void framesThisHostSendsAreNotSeen() throws Exception {
        ring = b.receiveRing(SLOTS, CAPACITY);
        ByteBuffer own = Frames.fill(Frames.buffer(MIN_FRAME), a.mac(), b.mac(), Frames.AOE, 2, 99, MIN_FRAME);
        b.send(own, MIN_FRAME);
        a.send(frameFromAToB(MIN_FRAME, 5), MIN_FRAME);

        assertEquals(1, ring.receive(slots, lengths, RawSocket.MAX_BATCH));
        assertEquals(5, Frames.sequence(ring.frame(slots[0])));
        ring.release(slots[0]);
        b.setReceiveTimeout(Duration.ofMillis(300));
        assertEquals(0, ring.receive(slots, lengths, RawSocket.MAX_BATCH), "the quiet link times out");
    }

    @Test
    void closeWakesAReceiverWaitingOnAQuietLink() throws Exception {
        ring = b.receiveRing(SLOTS, CAPACITY);
        b.setReceiveTimeout(Duration.ZERO);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> waiting = executor.submit(() -> ring.receive(slots, lengths, RawSocket.MAX_BATCH));
            Thread.sleep(300);
            assertFalse(waiting.isDone(), "the receive should wait on a quiet link");
            long start = System.nanoTime();
            b.close();
            assertEquals(-1, waiting.get(2, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "close should wake it promptly");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void theOtherReceivesFindNothingOnceTheRingTakesTheFrames() throws Exception {
        ring = b.receiveRing(SLOTS, CAPACITY);
        a.send(frameFromAToB(MIN_FRAME, 1), MIN_FRAME);
        assertEquals(1, ring.receive(slots, lengths, RawSocket.MAX_BATCH));
        ring.release(slots[0]);
        b.setReceiveTimeout(Duration.ofMillis(200));
        assertEquals(0, b.receive(Frames.buffer(CAPACITY)));
    }

    @Test
    void aRingOfNoSlotOrOverTwoGibibytesIsRefusedAndTheSocketKeepsReceiving() throws Exception {
        assertTrue(assertThrows(NetException.class, () -> b.receiveRing(0, CAPACITY)).getMessage()
                .endsWith("need 1 slot to 2 GiB in all"));
        assertTrue(assertThrows(NetException.class, () -> b.receiveRing(300_000, CAPACITY)).getMessage()
                .startsWith("a receive ring of 300000 slots of 9296 bytes on "));
        a.send(frameFromAToB(MIN_FRAME, 1), MIN_FRAME);
        assertEquals(MIN_FRAME, b.receive(Frames.buffer(CAPACITY)));
    }
}
