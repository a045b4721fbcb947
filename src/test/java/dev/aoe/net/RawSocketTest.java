package dev.aoe.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Privileges;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RawSocketTest {
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(300);
    private static final int MIN_FRAME = 60;
    private static final int JUMBO_MTU = 9000;

    private VethPair pair;
    private RawSocket a;
    private RawSocket b;

    @BeforeEach
    void assumePrivileges() {
        Privileges.assumeNetworkNamespaces();
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private void openPair(int mtu) throws Exception {
        pair = VethPair.create(mtu);
        a = pair.openA();
        b = pair.openB();
        a.setReceiveTimeout(RECEIVE_TIMEOUT);
        b.setReceiveTimeout(RECEIVE_TIMEOUT);
    }

    private ByteBuffer frameFromAToB(int length, int sequence) {
        return Frames.fill(Frames.buffer(length), b.mac(), a.mac(), Frames.AOE, 1, sequence, length);
    }

    @Test
    void minimumSizeFrameArrivesByteExact() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        ByteBuffer sent = frameFromAToB(MIN_FRAME, 7);
        a.send(sent, MIN_FRAME);

        ByteBuffer received = Frames.buffer(VethPair.DEFAULT_MTU + Frames.ETHERNET_HEADER);
        assertEquals(MIN_FRAME, b.receive(received));
        assertArrayEquals(Frames.bytes(sent, MIN_FRAME), Frames.bytes(received, MIN_FRAME));
    }

    @Test
    void framesDroppedOnAFullReceiveQueueAreReportedOnceEach() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        b.setBufferSizes(4096, 4096);
        assertEquals(0, b.takeDrops(), "nothing dropped yet");
        int frames = 500;
        for (int i = 0; i < frames; i++) {
            a.send(frameFromAToB(MIN_FRAME, i), MIN_FRAME);
        }
        ByteBuffer received = Frames.buffer(VethPair.DEFAULT_MTU + Frames.ETHERNET_HEADER);
        b.setReceiveTimeout(QUIET_PERIOD);
        int queued = 0;
        while (b.receive(received) > 0) {
            queued++;
        }
        long dropped = b.takeDrops();
        assertTrue(dropped > 0, "a 4 KiB queue holds far fewer than " + frames + " frames");
        assertEquals(frames, queued + dropped, "every frame was either queued or dropped");
        assertEquals(0, b.takeDrops(), "reading the statistics resets them");
    }

    @Test
    void jumboFrameArrivesByteExact() throws Exception {
        openPair(JUMBO_MTU);
        int length = JUMBO_MTU + Frames.ETHERNET_HEADER;
        ByteBuffer sent = frameFromAToB(length, 9);
        a.send(sent, length);

        ByteBuffer received = Frames.buffer(length);
        assertEquals(length, b.receive(received));
        assertArrayEquals(Frames.bytes(sent, length), Frames.bytes(received, length));
    }

    @Test
    void framesStartAtIndexZeroWhateverTheBufferPosition() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        ByteBuffer sent = frameFromAToB(MIN_FRAME, 3);
        sent.position(20);
        a.send(sent, MIN_FRAME);

        ByteBuffer received = Frames.buffer(MIN_FRAME);
        received.position(30);
        assertEquals(MIN_FRAME, b.receive(received));
        assertArrayEquals(Frames.bytes(sent, MIN_FRAME), Frames.bytes(received, MIN_FRAME));
        assertEquals(20, sent.position());
        assertEquals(30, received.position());
    }

    @Test
    void frameLongerThanTheBufferIsCutToItsCapacity() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        ByteBuffer sent = frameFromAToB(1000, 4);
        a.send(sent, 1000);

        ByteBuffer received = Frames.buffer(100);
        assertEquals(100, b.receive(received));
        assertArrayEquals(Frames.bytes(sent, 100), Frames.bytes(received, 100));
    }

    @Test
    void framesOfAnotherEtherTypeAreNotReceived() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        int localExperimental = 0x88B5;
        a.send(Frames.fill(Frames.buffer(MIN_FRAME), b.mac(), a.mac(), localExperimental, 1, 1, MIN_FRAME), MIN_FRAME);
        a.send(frameFromAToB(MIN_FRAME, 2), MIN_FRAME);

        ByteBuffer received = Frames.buffer(MIN_FRAME);
        assertEquals(MIN_FRAME, b.receive(received));
        assertEquals(2, Frames.sequence(received), "the AoE frame, not the 0x88B5 one sent before it");
        b.setReceiveTimeout(QUIET_PERIOD);
        assertEquals(0, b.receive(received));
    }

    @Test
    void senderDoesNotReceiveItsOwnFrames() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        for (int i = 0; i < 5; i++) {
            a.send(frameFromAToB(MIN_FRAME, i), MIN_FRAME);
        }
        a.setReceiveTimeout(QUIET_PERIOD);
        assertEquals(0, a.receive(Frames.buffer(MIN_FRAME)));
        assertEquals(0, a.receiveBatch(new ByteBuffer[] {Frames.buffer(MIN_FRAME)}, new int[1]));
    }

    @Test
    void receiveReturnsZeroWhenTheTimeoutExpires() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        b.setReceiveTimeout(QUIET_PERIOD);
        long start = System.nanoTime();
        assertEquals(0, b.receive(Frames.buffer(MIN_FRAME)));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis >= QUIET_PERIOD.toMillis() - 10 && elapsedMillis < 2_000, elapsedMillis + " ms");
    }

    @Test
    void interfacePropertiesMatchIpLinkShow() throws Exception {
        openPair(JUMBO_MTU);
        String shown = pair.showA();

        Matcher index = Pattern.compile("^(\\d+): ").matcher(shown);
        assertTrue(index.find(), shown);
        assertEquals(Integer.parseInt(index.group(1)), a.ifindex());
        Matcher mtu = Pattern.compile(" mtu (\\d+) ").matcher(shown);
        assertTrue(mtu.find(), shown);
        assertEquals(Integer.parseInt(mtu.group(1)), a.mtu());
        Matcher mac = Pattern.compile("link/ether ([0-9a-f:]{17}) ").matcher(shown);
        assertTrue(mac.find(), shown);
        assertArrayEquals(HexFormat.ofDelimiter(":").parseHex(mac.group(1)), a.mac());
        assertEquals(pair.interfaceA(), a.interfaceName());
    }

    @Test
    void macIsACopy() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        byte[] mac = a.mac();
        mac[0] ^= 1;
        assertFalse(mac[0] == a.mac()[0]);
    }

    @Test
    void mtuIsReadAfresh() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        assertEquals(VethPair.DEFAULT_MTU, a.mtu());
        pair.setMtuA(4000);
        assertEquals(4000, a.mtu());
    }

    @Test
    void isUpFollowsTheCarrier() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        assertTrue(a.isUp());
        pair.setUpB(false);
        assertEquals(false, awaitIsUp(false), "no carrier while the peer is down");
        pair.setUpB(true);
        assertEquals(true, awaitIsUp(true));
    }

    /** IFF_RUNNING follows the operational state, which the kernel's linkwatch updates within ~1 s. */
    private boolean awaitIsUp(boolean expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.isUp() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return a.isUp();
    }

    @Test
    void openingAMissingInterfaceSaysSo() {
        NetException e = assertThrows(NetException.class, () -> RawSocket.open("aoe-missing9"));
        assertEquals("no network interface 'aoe-missing9' (see `ip link`)", e.getMessage());
        NetException tooLong = assertThrows(NetException.class, () -> RawSocket.open("a-name-over-15-chars"));
        assertTrue(tooLong.getMessage().startsWith("no network interface 'a-name-over-15-chars'"));
    }

    @Test
    void openingWithoutNetRawNamesTheCapability() throws Exception {
        NetException e = Capabilities.withoutNetRaw(() -> assertThrows(NetException.class, () -> RawSocket.open("lo")));
        assertEquals("opening a raw AoE socket needs CAP_NET_RAW (run as root or grant the capability)",
                e.getMessage());
    }

    @Test
    void closeUnblocksAReceiveWithinOneSecond() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        b.setReceiveTimeout(Duration.ZERO);
        ExecutorService receiver = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> single = receiver.submit(() -> b.receive(Frames.buffer(MIN_FRAME)));
            Thread.sleep(200);
            assertFalse(single.isDone(), "receive should block on a quiet link");
            long start = System.nanoTime();
            b.close();
            assertEquals(-1, single.get(1, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
        } finally {
            receiver.shutdownNow();
        }
    }

    @Test
    void closeUnblocksABatchReceive() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        b.setReceiveTimeout(Duration.ZERO);
        ExecutorService receiver = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> batch = receiver.submit(
                    () -> b.receiveBatch(new ByteBuffer[] {Frames.buffer(MIN_FRAME)}, new int[1]));
            Thread.sleep(200);
            assertFalse(batch.isDone(), "receiveBatch should block on a quiet link");
            b.close();
            assertEquals(-1, batch.get(1, TimeUnit.SECONDS));
        } finally {
            receiver.shutdownNow();
        }
    }

    @Test
    void afterCloseReceiveReturnsMinusOneAndSendFails() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        a.close();
        a.close();
        assertEquals(-1, a.receive(Frames.buffer(MIN_FRAME)));
        NetException e = assertThrows(NetException.class, () -> a.send(Frames.buffer(MIN_FRAME), MIN_FRAME));
        assertEquals("raw socket on aoe-a is closed", e.getMessage());
        assertThrows(NetException.class, a::mtu);
    }

    @Test
    void concurrentSendersLoseNothingOnAQuietLink() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        int senders = 4;
        int framesEach = 5_000;
        b.setBufferSizes(16 << 20, 1 << 20);
        a.setBufferSizes(1 << 20, 4 << 20);

        ExecutorService pool = Executors.newFixedThreadPool(senders + 1);
        try {
            Future<BitSet[]> receiver = pool.submit(() -> {
                BitSet[] seen = new BitSet[senders];
                for (int s = 0; s < senders; s++) {
                    seen[s] = new BitSet(framesEach);
                }
                ByteBuffer frame = Frames.buffer(VethPair.DEFAULT_MTU + Frames.ETHERNET_HEADER);
                for (int count = 0; count < senders * framesEach; count++) {
                    if (b.receive(frame) <= 0) {
                        break;
                    }
                    seen[Frames.id(frame)].set(Frames.sequence(frame));
                }
                return seen;
            });
            List<Future<?>> sends = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int id = s;
                sends.add(pool.submit(() -> {
                    ByteBuffer frame = Frames.buffer(MIN_FRAME);
                    for (int i = 0; i < framesEach; i++) {
                        a.send(Frames.fill(frame, b.mac(), a.mac(), Frames.AOE, id, i, MIN_FRAME), MIN_FRAME);
                    }
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
            BitSet[] seen = receiver.get();
            for (int s = 0; s < senders; s++) {
                assertEquals(framesEach, seen[s].cardinality(), "frames received from sender " + s);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchSendAndReceiveKeepOrderAndContent() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        int total = 3 * RawSocket.MAX_BATCH + 5;
        int length = 200;
        b.setBufferSizes(4 << 20, 1 << 20);
        ByteBuffer[] outgoing = new ByteBuffer[total];
        int[] outgoingLengths = new int[total];
        for (int i = 0; i < total; i++) {
            outgoing[i] = frameFromAToB(length, i);
            outgoingLengths[i] = length;
        }
        a.sendBatch(outgoing, outgoingLengths, total);

        ByteBuffer[] incoming = new ByteBuffer[RawSocket.MAX_BATCH];
        for (int i = 0; i < incoming.length; i++) {
            incoming[i] = Frames.buffer(VethPair.DEFAULT_MTU + Frames.ETHERNET_HEADER);
        }
        int[] lengths = new int[incoming.length];
        int next = 0;
        while (next < total) {
            int received = b.receiveBatch(incoming, lengths);
            assertTrue(received > 0, "timed out after " + next + " of " + total + " frames");
            for (int i = 0; i < received; i++, next++) {
                assertEquals(length, lengths[i]);
                assertArrayEquals(Frames.bytes(outgoing[next], length), Frames.bytes(incoming[i], length),
                        "frame " + next);
            }
        }
        b.setReceiveTimeout(QUIET_PERIOD);
        assertEquals(0, b.receiveBatch(incoming, lengths));
    }

    @Test
    void batchAndSingleFramesInterleave() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        ByteBuffer[] pairOfFrames = {frameFromAToB(MIN_FRAME, 0), frameFromAToB(MIN_FRAME, 1)};
        a.sendBatch(pairOfFrames, new int[] {MIN_FRAME, MIN_FRAME}, 2);
        a.send(frameFromAToB(MIN_FRAME, 2), MIN_FRAME);

        ByteBuffer frame = Frames.buffer(MIN_FRAME);
        assertEquals(MIN_FRAME, b.receive(frame));
        assertEquals(0, Frames.sequence(frame));
        ByteBuffer[] incoming = {Frames.buffer(MIN_FRAME), Frames.buffer(MIN_FRAME), Frames.buffer(MIN_FRAME)};
        int[] lengths = new int[3];
        int received = b.receiveBatch(incoming, lengths);
        if (received == 1) {
            received += b.receiveBatch(new ByteBuffer[] {incoming[1]}, new int[1]);
        }
        assertEquals(2, received);
        assertEquals(1, Frames.sequence(incoming[0]));
        assertEquals(2, Frames.sequence(incoming[1]));
    }

    @Test
    void heapBuffersAreRejected() throws Exception {
        openPair(VethPair.DEFAULT_MTU);
        assertThrows(IllegalArgumentException.class, () -> a.send(ByteBuffer.allocate(MIN_FRAME), MIN_FRAME));
        assertThrows(IllegalArgumentException.class, () -> b.receive(ByteBuffer.allocate(MIN_FRAME)));
        assertThrows(IllegalArgumentException.class, () -> a.send(Frames.buffer(MIN_FRAME), MIN_FRAME + 1));
    }
}
