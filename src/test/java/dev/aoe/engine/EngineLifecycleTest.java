package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Starting to serve: the announcement initiators see, and refusing an address already served. */
class EngineLifecycleTest {
    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    @TempDir
    Path dir;
    private EngineFixture fx;

    @Test
    void addingAnExportAnnouncesItWithAnUnsolicitedConfigReply() throws Exception {
        fx = engines.start(9000);
        RawSocket listener = fx.rawB(); // open before the export exists
        listener.setReceiveTimeout(Duration.ofMillis(50));
        ExportSpec spec = fx.spec(12, 34, StoreSpec.of(fx.disk("d.img", 1 << 20)));

        fx.add(spec);

        ByteBuffer f = EngineFixture.frame();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = listener.receive(f);
            // The address probe's own broadcast query (R clear) comes first; skip it.
            if (n > 0 && AoeHeader.isResponse(f)) {
                break;
            }
            n = 0;
        }
        assertTrue(n > 0, "an announcement arrived");
        assertEquals(0x18, f.get(AoeHeader.VERSION_FLAGS) & 0xFF, "version 1, R set, E clear");
        assertEquals(0, AoeHeader.tag(f), "tag 0, which the Linux initiator accepts as a config reply");
        assertEquals(AoeHeader.CMD_CONFIG, AoeHeader.command(f));
        assertEquals(12, AoeHeader.shelf(f));
        assertEquals(34, AoeHeader.slot(f));
        assertEquals(MacAddress.BROADCAST, AoeHeader.destination(f), "broadcast when no allowlist is set");
        assertEquals(fx.engineMac(), AoeHeader.source(f));
        assertEquals(0x10, f.get(ConfigArg.VERSION_CCMD) & 0xFF, "version 1, CCmd read");
        assertEquals(EngineFixture.BUFFER_COUNT, ConfigArg.bufferCount(f));
        assertEquals(17, ConfigArg.sectorCount(f));
        assertTrue(n >= AoeHeader.MIN_FRAME, "padded to 60 bytes, got " + n);
    }

    @Test
    void anIdleExportKeepsOneIoThreadAndABacklogAddsThreadsUpToTheLimit() throws Exception {
        fx = engines.start(1500);
        TargetInfo t = fx.serve(4, 2, 1 << 20);
        fx.write(t, 0, new byte[1024]);
        assertEquals(1, ioThreads("e4.2"), "one write needs one I/O thread");

        // A burst of durable writes: while one thread flushes, the rest wait unattended.
        RawSocket raw = fx.rawB();
        long me = MacAddress.of(raw.mac());
        int burst = 64;
        ByteBuffer[] frames = new ByteBuffer[burst];
        int[] lengths = new int[burst];
        for (int i = 0; i < burst; i++) {
            frames[i] = EngineFixture.frame();
            lengths[i] = EngineFixture.ata(frames[i], t.mac(), me, 4, 2, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 2,
                    Ata.WRITE_SECTORS_EXT, 2L * i, 1000 + i) + 1024;
        }
        raw.sendBatch(frames, lengths, burst);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ioThreads("e4.2") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int threads = ioThreads("e4.2");
        assertTrue(threads >= 2 && threads <= 8, "a backlog adds I/O threads, up to 8: " + threads);
    }

    private static int ioThreads(String target) {
        String prefix = "aoe-io-" + target + "-";
        return (int) Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith(prefix)).count();
    }

    @Test
    void addingASecondExportWithTheSameAddressOnOneEngineFails() throws Exception {
        fx = engines.start(1500);
        fx.add(fx.spec(1, 1, StoreSpec.of(fx.disk("a.img", 1 << 20))));

        EngineException e = assertThrows(EngineException.class,
                () -> fx.add(fx.spec(1, 1, StoreSpec.of(fx.disk("b.img", 1 << 20)))));

        assertTrue(e.getMessage().contains("e1.1 is already served by this engine"), e.getMessage());
        assertEquals(1, fx.engine().status().size(), "the first export is untouched");
        fx.assertWriteReadBack(fx.find(1, 1), 0, 1024, 1);
    }

    /**
     * Another engine across the link (the other end, namespace B) probes before serving and
     * finds the address taken; its error names the MAC that already serves it.
     */
    @Test
    void anotherEngineOnTheLinkRefusesAnAddressAlreadyServedNamingTheOtherMac() throws Exception {
        fx = engines.start(1500);
        fx.add(fx.spec(2, 7, StoreSpec.of(fx.disk("a.img", 1 << 20))));
        Engine second = fx.closeLater(new Engine(dir.resolve("state-2"), "other", Duration.ofMillis(300)));
        Path disk = fx.disk("b.img", 1 << 20);

        EngineException e = assertThrows(EngineException.class, () -> fx.pair.inB(() -> second.add(
                new ExportSpec(2, 7, fx.pair.interfaceB(), StoreSpec.of(disk), 16, new long[0], new byte[0]))));

        String mac = MacAddress.format(fx.engineMac());
        assertTrue(e.getMessage().contains("already served") && e.getMessage().contains(mac), e.getMessage());
        assertTrue(second.status().isEmpty(), "nothing left behind");
        // A free address is fine for the second engine.
        fx.pair.inB(() -> second.add(
                new ExportSpec(2, 8, fx.pair.interfaceB(), StoreSpec.of(disk), 16, new long[0], new byte[0])));
        assertEquals(1, second.status().size());
    }

    /**
     * Another engine process on the same host and interface sees the probe too (its socket also
     * takes requests this host sends), so two local targets cannot both claim an address.
     */
    @Test
    void anotherEngineOnTheSameInterfaceOfThisHostRefusesAnAddressAlreadyServed() throws Exception {
        fx = engines.start(1500);
        fx.add(fx.spec(2, 7, StoreSpec.of(fx.disk("a.img", 1 << 20))));
        Engine second = fx.closeLater(new Engine(dir.resolve("state-2"), "other", Duration.ofMillis(300)));
        Path disk = fx.disk("b.img", 1 << 20);

        EngineException e = assertThrows(EngineException.class, () -> fx.pair.inA(() -> second.add(
                new ExportSpec(2, 7, fx.pair.interfaceA(), StoreSpec.of(disk), 16, new long[0], new byte[0]))));

        assertTrue(e.getMessage().contains("already served"), e.getMessage());
        assertTrue(second.status().isEmpty(), "nothing left behind");
    }
}
