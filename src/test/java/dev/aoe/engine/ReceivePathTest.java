package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.initiator.TargetInfo;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which way a port receives, and that both serve: the packet ring, and recvmmsg as the fallback. */
@Timeout(60)
class ReceivePathTest {
    private static final long MIB = 1L << 20;

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private final List<String> logged = new ArrayList<>();
    private final Logger portLog = Logger.getLogger(Port.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Boolean> rings = new ArrayList<>();

    @BeforeEach
    void listen() {
        portLog.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        portLog.removeHandler(handler);
    }

    private void serveAndCheck(EngineFixture fx) throws Exception {
        fx.engine().listen(new EngineListener() {
            @Override
            public void served(ExportCounters export, List<? extends PortCounters> ports) {
                ports.forEach(p -> rings.add(p.packetRing()));
            }

            @Override
            public void stopped(ExportCounters export, List<? extends PortCounters> ports) {
            }
        });
        TargetInfo t = fx.serve(1, 1, 4 * MIB);
        byte[] data = EngineFixture.random(3, (int) MIB);
        fx.write(t, 0, data);
        assertArrayEquals(data, fx.read(t, 0, data.length));
    }

    @Test
    void portsReceiveThroughAPacketRingByDefault() throws Exception {
        EngineFixture fx = engines.start(1500);
        serveAndCheck(fx);
        assertEquals(List.of(true), rings);
        assertTrue(logged.stream().anyMatch(m -> m.matches(fx.pair.interfaceA()
                + ": receiving through a packet ring \\(TPACKET_V2, \\d+ slots of 9296 bytes\\)")), logged.toString());
    }

    @Test
    void theSettingTurnsTheRingOffAndRecvmmsgServesSayingWhy() throws Exception {
        EngineFixture fx = engines.start(1500);
        fx.receiveWith(PacketRingSetting.OFF);
        serveAndCheck(fx);
        assertEquals(List.of(false), rings);
        assertTrue(logged.contains(fx.pair.interfaceA() + ": receiving with recvmmsg: packet ring off by AOE_PACKET_RING"),
                logged.toString());
    }

    @Test
    void theSettingReadsOnAndOff() {
        assertEquals(PacketRingSetting.ON, PacketRingSetting.parse(null));
        assertEquals(PacketRingSetting.OFF, PacketRingSetting.parse("off"));
        assertEquals(PacketRingSetting.OFF, PacketRingSetting.parse(" OFF "));
        assertEquals(PacketRingSetting.ON, PacketRingSetting.parse("on"));
        assertEquals(PacketRingSetting.ON, PacketRingSetting.parse("sideways"));
    }
}
