package dev.aoe.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.initiator.Identity;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.NetNs;
import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;
import dev.aoe.testing.Privileges;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ceiling responder, compiled from the jar's source with the host's C compiler, answers the
 * bench's initiator and a second of its load generator's reads and writes over a veth pair in
 * namespaces of its own, without an error or a retransmission.
 */
@Timeout(60)
class CeilingTest {
    private static final long SECTORS = 1 << 16;
    private static final int BUFFERS = 16;
    private static final LoadGenerator.Interval NOT_SAMPLED = new LoadGenerator.Interval() {
        @Override
        public void opened() {
        }

        @Override
        public void closed() {
        }
    };

    @TempDir
    Path work;

    @Test
    void answersDiscoveryIdentifyAndTheLoadGenerator() throws Exception {
        Privileges.assumeNetworkNamespaces();
        String noCompiler = Ceiling.unavailable();
        assumeTrue(noCompiler == null, noCompiler);
        Path binary = Ceiling.compile(work);
        try (BenchLink link = BenchLink.create();
             TargetProcess ceiling = TargetProcess.ceiling(link, binary, BUFFERS, SECTORS, work.resolve("ceiling.log"))) {
            TargetInfo info = ceiling.awaitDiscovery(link, TargetProcess.SHELF, TargetProcess.SLOT);
            assertEquals(BUFFERS, info.bufferCount());
            assertEquals(2, info.sectorsPerFrame(), "(1500 - 36) / 512 sectors per frame");
            try (Initiator initiator = NetNs.call(link.initiatorNamespace(),
                    () -> Initiator.open(BenchLink.INITIATOR_INTERFACE))) {
                Identity identity = initiator.identify(info);
                assertEquals(SECTORS, identity.sectors());
                assertTrue(identity.lba48());
                ByteBuffer data = ByteBuffer.allocateDirect(8 * 512);
                data.put(0, (byte) 1);
                initiator.read(info, 8, data);
                byte[] read = new byte[data.capacity()];
                data.get(0, read);
                assertArrayEquals(new byte[read.length], read, "reads are zero-filled");
            }
            RawSocket socket = NetNs.call(link.initiatorNamespace(),
                    () -> RawSocket.open(BenchLink.INITIATOR_INTERFACE, Traffic.RESPONSES));
            try {
                LoadGenerator generator = new LoadGenerator(socket, Duration.ofSeconds(1));
                for (Operation op : new Operation[] {Operation.READ, Operation.WRITE}) {
                    Load load = new Load(op, AccessPattern.RANDOM, BUFFERS, info.sectorsPerFrame(), SECTORS);
                    LoadResult r = generator.run(info, load, Duration.ofMillis(200), Duration.ofSeconds(1),
                            NOT_SAMPLED);
                    assertTrue(r.requests() > 1000, op + ": " + r.requests() + " requests in a second");
                    assertEquals(0, r.errors(), op + " errors");
                    assertEquals(0, r.retransmits(), op + " retransmissions");
                }
            } finally {
                socket.close();
            }
        }
    }
}
