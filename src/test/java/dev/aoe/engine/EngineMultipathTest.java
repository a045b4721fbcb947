package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One export on two links between the same two namespaces (multipath): each link answers with
 * its own MAC and MTU, the export's state is one, and a link that goes down leaves the other
 * serving.
 */
class EngineMultipathTest {
    private static final String A2 = "aoe-a2";
    private static final String B2 = "aoe-b2";
    private static final int SHELF = 5;
    private static final int SLOT = 1;

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;
    /** The project's initiator on the second link. */
    private Initiator second;

    /** The fixture's link at {@code mtu} and a second link at {@code secondMtu}, with an initiator on each. */
    private void twoLinks(int mtu, int secondMtu) throws Exception {
        fx = engines.start(mtu);
        fx.pair.addLink(A2, B2, secondMtu);
        second = fx.closeLater(fx.pair.inB(() -> Initiator.open(B2)));
    }

    private ExportStatus serveOnBoth() throws Exception {
        return fx.add(new ExportSpec(SHELF, SLOT, List.of(fx.pair.interfaceA(), A2),
                StoreSpec.of(fx.disk("d.img", 1 << 20)), EngineFixture.BUFFER_COUNT, new long[0], new byte[0], ""));
    }

    private long macA2() throws Exception {
        try (RawSocket s = fx.pair.inA(() -> RawSocket.open(A2))) {
            return MacAddress.of(s.mac());
        }
    }

    @Test
    void eachLinkIsAnsweredWithItsOwnMacAndTheDataIsOne() throws Exception {
        twoLinks(1500, 1500);
        ExportStatus status = serveOnBoth();

        TargetInfo viaFirst = fx.find(SHELF, SLOT);
        TargetInfo viaSecond = second.find(SHELF, SLOT, EngineFixture.REPLY);
        assertEquals(fx.engineMac(), viaFirst.mac(), "replies on the first link come from its MAC");
        assertEquals(macA2(), viaSecond.mac(), "replies on the second link come from its MAC");
        assertNotEquals(viaFirst.mac(), viaSecond.mac());

        byte[] data = EngineFixture.random(1, 64 * 1024);
        fx.write(viaFirst, 100, data);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        second.read(viaSecond, 100, back);
        assertArrayEquals(EngineFixture.sha256(data), EngineFixture.sha256(back.array()),
                "written on one path, read on the other");

        assertEquals(fx.pair.interfaceA() + "," + A2, status.interfaceName());
        assertEquals(List.of(new PathStatus(fx.pair.interfaceA(), MacAddress.format(fx.engineMac()), 1500, 2, true),
                new PathStatus(A2, MacAddress.format(macA2()), 1500, 2, true)), status.paths());
    }

    @Test
    void theConfigStringSetOnOnePathIsSeenOnTheOther() throws Exception {
        twoLinks(1500, 1500);
        serveOnBoth();
        byte[] text = "multipath".getBytes(StandardCharsets.US_ASCII);

        ByteBuffer f = EngineFixture.frame();
        AoeHeader.writeRequest(f, MacAddress.BROADCAST, fx.initiatorMac, SHELF, SLOT, AoeHeader.CMD_CONFIG, 77);
        int n = AoeHeader.pad(f, ConfigArg.writeRequest(f, ConfigArg.CCMD_FORCE_SET, text));
        assertTrue(EngineFixture.rawExchange(fx.rawB(), f, n, EngineFixture.REPLY) > 0, "the set is answered");

        assertArrayEquals(text, second.find(SHELF, SLOT, EngineFixture.REPLY).configString(),
                "the second path reports the string set through the first");
    }

    @Test
    void announcementsGoOutOnEveryPathFromItsMac() throws Exception {
        twoLinks(1500, 1500);
        RawSocket first = fx.rawB();
        RawSocket onSecond = fx.closeLater(fx.pair.inB(() -> RawSocket.open(B2)));

        serveOnBoth();

        assertEquals(fx.engineMac(), announcementSource(first));
        assertEquals(macA2(), announcementSource(onSecond));
    }

    /** The source MAC of the first unsolicited config reply (tag 0) on {@code s}. */
    private static long announcementSource(RawSocket s) throws IOException {
        s.setReceiveTimeout(Duration.ofMillis(50));
        ByteBuffer f = EngineFixture.frame();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            // The address probe's own query (R clear) comes first; skip it.
            if (s.receive(f) > 0 && AoeHeader.isResponse(f) && AoeHeader.tag(f) == 0) {
                return AoeHeader.source(f);
            }
        }
        throw new AssertionError("no announcement on " + s.interfaceName());
    }

    @Test
    void aLinkThatGoesDownLeavesTheOtherServingAndServesAgainWhenUp() throws Exception {
        twoLinks(1500, 1500);
        serveOnBoth();
        TargetInfo viaFirst = fx.find(SHELF, SLOT);
        TargetInfo viaSecond = second.find(SHELF, SLOT, EngineFixture.REPLY);

        fx.pair.setUpA(A2, B2, false);

        fx.assertWriteReadBack(viaFirst, 8, 8192, 2);
        List<PathStatus> paths = fx.engine().status(SHELF, SLOT).paths();
        assertEquals(List.of(true, false), paths.stream().map(PathStatus::up).toList(), "status: " + paths);
        assertTrue(fx.engine().status(SHELF, SLOT).message().contains("link down on " + A2),
                fx.engine().status(SHELF, SLOT).message());

        fx.pair.setUpA(A2, B2, true);

        assertTrue(fx.engine().status(SHELF, SLOT).paths().get(1).up(), "the second path is up again");
        byte[] data = EngineFixture.random(3, 8192);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        second.write(viaSecond, 16, ByteBuffer.wrap(data));
        second.read(viaSecond, 16, back);
        assertArrayEquals(data, back.array(), "the second path serves again");
        fx.assertWriteReadBack(viaFirst, 8, 8192, 4);
    }

    @Test
    void eachPortAdvertisesTheSectorsItsMtuCarries() throws Exception {
        twoLinks(1500, 9000);
        ExportStatus status = serveOnBoth();

        assertEquals(2, fx.find(SHELF, SLOT).sectorsPerFrame(), "MTU 1500: 2 sectors per frame");
        TargetInfo jumbo = second.find(SHELF, SLOT, EngineFixture.REPLY);
        assertEquals(17, jumbo.sectorsPerFrame(), "MTU 9000: 17 sectors per frame");
        assertEquals(List.of(2, 17), status.paths().stream().map(PathStatus::sectorsPerFrame).toList());

        // Full jumbo frames on the second path, while the first stays at 2 sectors.
        byte[] data = EngineFixture.random(5, 17 * 512 * 4);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        second.write(jumbo, 0, ByteBuffer.wrap(data));
        second.read(jumbo, 0, back);
        assertArrayEquals(data, back.array());
        assertArrayEquals(data, fx.read(fx.find(SHELF, SLOT), 0, data.length));
    }

    @Test
    void anExportStartsWhileOneOfItsLinksIsDownButNotWhenAllAre() throws Exception {
        twoLinks(1500, 1500);
        fx.pair.setUpA(A2, B2, false);

        ExportStatus status = serveOnBoth();

        assertEquals(List.of(true, false), status.paths().stream().map(PathStatus::up).toList());
        fx.assertWriteReadBack(fx.find(SHELF, SLOT), 0, 4096, 6);
        fx.pair.setUpA(A2, B2, true);
        assertEquals(macA2(), second.find(SHELF, SLOT, EngineFixture.REPLY).mac(), "served there once up");

        fx.engine().remove(SHELF, SLOT);
        fx.pair.setUpA(A2, B2, false);
        fx.pair.setUpA(fx.pair.interfaceA(), fx.pair.interfaceB(), false);
        EngineException down = assertThrows(EngineException.class, this::serveOnBoth);
        assertEquals(EngineException.Problem.INTERFACE_DOWN, down.problem());
        assertTrue(down.getMessage().contains("every interface of e5.1"), down.getMessage());
    }

    @Test
    void anInterfaceThatDoesNotExistIsAnErrorAndLeavesNothingOpen() throws Exception {
        twoLinks(1500, 1500);
        ExportSpec spec = new ExportSpec(SHELF, SLOT, List.of(A2, "aoe-none"), StoreSpec.of(fx.disk("d.img", 1 << 20)),
                EngineFixture.BUFFER_COUNT, new long[0], new byte[0], "");

        IOException missing = assertThrows(IOException.class, () -> fx.add(spec));

        assertTrue(missing.getMessage().contains("aoe-none"), missing.getMessage());
        assertTrue(fx.engine().status().isEmpty());
        // Nothing holds A2 for the failed export: it serves another one alone.
        serveOnBoth();
        assertEquals(macA2(), second.find(SHELF, SLOT, EngineFixture.REPLY).mac());
    }

    @Test
    void repliesOnEitherPathAllocateNothingPerFrame() throws Exception {
        twoLinks(1500, 1500);
        assertAllocatesNothingPerFrame("packet ring");
    }

    @Test
    void repliesOnEitherPathAllocateNothingPerFrameWithRecvmmsg() throws Exception {
        twoLinks(1500, 1500);
        fx.receiveWith(PacketRingSetting.OFF);
        assertAllocatesNothingPerFrame("recvmmsg");
    }

    private void assertAllocatesNothingPerFrame(String receivePath) throws Exception {
        serveOnBoth();
        TargetInfo viaFirst = fx.find(SHELF, SLOT);
        TargetInfo viaSecond = second.find(SHELF, SLOT, EngineFixture.REPLY);
        ByteBuffer block = ByteBuffer.allocate(4096);
        Runnable exchange = () -> {
            try {
                for (int i = 0; i < 200; i++) {
                    block.clear();
                    fx.initiator.write(viaFirst, i % 64, block);
                    block.clear();
                    second.read(viaSecond, i % 64, block);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        exchange.run(); // warm up: the I/O threads start and the code is compiled

        long before = EngineFixture.engineThreadBytes();
        exchange.run();
        long bytes = EngineFixture.engineThreadBytes() - before;

        // 200 writes on one path and 200 reads on the other, 4 KiB each: 1600 frames of 2 sectors.
        System.out.printf("multipath (%s): the engine's threads allocated %d bytes for 1600 frames on two paths%n",
                receivePath, bytes);
        assertTrue(bytes < 64 * 1024, "the data path allocates per frame: " + bytes + " bytes for 1600 frames");
    }

    @Test
    void anInterfaceNamedTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ExportSpec(SHELF, SLOT, List.of("eth0", "eth0"),
                StoreSpec.of(Path.of("/tmp/d.img")), 16, new long[0], new byte[0], ""));
    }
}
