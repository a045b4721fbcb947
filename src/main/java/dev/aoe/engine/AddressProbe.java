package dev.aoe.engine;

import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Refuses to serve an address another target on the link already answers: the Linux initiator
 * would take the two for paths to one disk and interleave I/O across them, corrupting data.
 */
final class AddressProbe {
    /** Tags with bit 31 set are ignored by the Linux initiator, like aoetools' own queries. */
    private static final int TOOL_TAG = 0x8000_0000;
    private static final Duration POLL = Duration.ofMillis(20);

    private AddressProbe() {
    }

    static void requireFree(String interfaceName, int shelf, int slot, Duration wait) throws IOException {
        try (RawSocket socket = RawSocket.open(interfaceName, Traffic.RESPONSES)) {
            socket.setReceiveTimeout(POLL);
            ByteBuffer f = ByteBuffer.allocateDirect(Frame.CAPACITY);
            int tag = TOOL_TAG | ThreadLocalRandom.current().nextInt(1 << 16);
            AoeHeader.writeRequest(f, MacAddress.BROADCAST, MacAddress.of(socket.mac()), shelf, slot,
                    AoeHeader.CMD_CONFIG, tag);
            int n = ConfigArg.writeRequest(f, ConfigArg.CCMD_READ, new byte[0]);
            socket.send(f, AoeHeader.pad(f, n));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                int got = socket.receive(f);
                if (got >= AoeHeader.LENGTH && AoeHeader.isResponse(f) && AoeHeader.tag(f) == tag
                        && AoeHeader.shelf(f) == shelf && AoeHeader.slot(f) == slot) {
                    throw new EngineException(EngineException.Problem.ADDRESS_IN_USE,
                            "e" + shelf + "." + slot + " is already served on " + interfaceName
                            + " by " + MacAddress.format(AoeHeader.source(f))
                            + "; two targets with one address corrupt data (initiators take them for one disk)."
                            + " Choose another shelf.slot or stop the other target");
                }
            }
        }
    }
}
