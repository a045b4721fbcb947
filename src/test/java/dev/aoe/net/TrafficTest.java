package dev.aoe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aoe.testing.Veth;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which frames each {@link Traffic} kind receives, from the link and from this host. */
@Timeout(60)
class TrafficTest {
    private static final Duration WAIT = Duration.ofMillis(300);
    private static final int FLAG_RESPONSE = 0x08;

    @Veth
    VethPair pair;

    @Test
    void targetSocketSeesRequestsFromTheLinkAndFromThisHostButNotResponses() throws Exception {
        try (RawSocket target = pair.inA(() -> RawSocket.open(pair.interfaceA(), Traffic.REQUESTS));
             RawSocket localTool = pair.inA(() -> RawSocket.open(pair.interfaceA(), Traffic.ARRIVING));
             RawSocket peer = pair.openB()) {
            target.setReceiveTimeout(WAIT);
            peer.send(frame(false, 1), 60);
            assertEquals(1, tagOf(target));
            peer.send(frame(true, 2), 60);
            assertEquals(-1, tagOf(target), "a response from the link must be filtered out");
            localTool.send(frame(false, 3), 60);
            assertEquals(3, tagOf(target), "a request sent by another socket of this host must be seen");
            target.send(frame(true, 4), 60);
            assertEquals(-1, tagOf(target), "the socket's own replies must not come back");
        }
    }

    @Test
    void initiatorSocketSeesResponsesFromTheLinkAndFromThisHostButNotRequests() throws Exception {
        try (RawSocket initiator = pair.inA(() -> RawSocket.open(pair.interfaceA(), Traffic.RESPONSES));
             RawSocket localTarget = pair.inA(() -> RawSocket.open(pair.interfaceA(), Traffic.REQUESTS));
             RawSocket peer = pair.openB()) {
            initiator.setReceiveTimeout(WAIT);
            peer.send(frame(true, 5), 60);
            assertEquals(5, tagOf(initiator));
            localTarget.send(frame(true, 6), 60);
            assertEquals(6, tagOf(initiator), "a reply from a target on this host must be seen");
            initiator.send(frame(false, 7), 60);
            peer.send(frame(false, 8), 60);
            assertEquals(-1, tagOf(initiator), "requests, its own or the link's, must be filtered out");
        }
    }

    private static ByteBuffer frame(boolean response, int tag) {
        ByteBuffer f = ByteBuffer.allocateDirect(128);
        for (int i = 0; i < 6; i++) {
            f.put(i, (byte) 0xFF);
        }
        f.putShort(12, (short) 0x88A2);
        f.put(14, (byte) (0x10 | (response ? FLAG_RESPONSE : 0)));
        f.putInt(20, tag);
        return f;
    }

    /** The tag of the next frame received, or -1 if none arrives in time. */
    private static int tagOf(RawSocket socket) throws Exception {
        ByteBuffer f = ByteBuffer.allocateDirect(2048);
        int n = socket.receive(f);
        return n > 0 ? f.getInt(20) : -1;
    }
}
