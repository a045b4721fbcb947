package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.initiator.TargetInfo;
import dev.aoe.responder.TargetCounts;
import dev.aoe.store.StoreSpec;
import dev.aoe.store.WriteCache;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.Privileges;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where write-back writes are answered: on the receive thread while their export is the only
 * one on the interface, by its I/O threads once another export shares it. Told apart by the
 * counter blocks: an export's first block is its receive thread's, the others its I/O threads'.
 */
class WriteBackInlineTest {
    private static final int WRITES = 200;

    @TempDir
    Path dir;
    private EngineFixture fx;
    private final Map<String, ExportCounters> exports = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void anExportAloneOnItsInterfaceWritesOnTheReceiveThreadAndOneSharingItHandsOff() throws Exception {
        assumeTrue(Privileges.isRoot(), "needs root for network namespaces and raw sockets");
        fx = EngineFixture.create(dir, 1500);
        fx.engine().listen(new EngineListener() {
            @Override
            public void served(ExportCounters export, List<? extends PortCounters> ports) {
                exports.put(export.target(), export);
            }

            @Override
            public void stopped(ExportCounters export, List<? extends PortCounters> ports) {
            }
        });
        TargetInfo alone = serveWriteBack(1, 1);
        byte[] data = EngineFixture.random(3, 1024);
        writes(alone, data); // also warms up: the code is compiled
        long before = EngineFixture.engineThreadBytes();
        writes(alone, data);
        long bytes = EngineFixture.engineThreadBytes() - before;
        assertEquals(2 * WRITES, writesOnReceiveThread("e1.1"), "alone on its port: no hand-off");
        assertEquals(0, writesOnIoThreads("e1.1"));
        assertTrue(bytes < 16 * 1024, "writes on the receive thread allocate per frame: " + bytes + " bytes");

        serveWriteBack(1, 2);
        writes(alone, data);
        assertEquals(2 * WRITES, writesOnReceiveThread("e1.1"), "sharing its port: every write handed off");
        assertEquals(WRITES, writesOnIoThreads("e1.1"));
        fx.assertWriteReadBack(alone, 100, 1024, 9);
    }

    private TargetInfo serveWriteBack(int shelf, int slot) throws Exception {
        Path disk = fx.disk("e" + shelf + "." + slot + ".img", 1 << 20);
        fx.add(fx.spec(shelf, slot, StoreSpec.of(disk).withWriteCache(WriteCache.WRITE_BACK)));
        return fx.find(shelf, slot);
    }

    private void writes(TargetInfo t, byte[] data) throws Exception {
        for (int i = 0; i < WRITES; i++) {
            fx.write(t, 2L * i, data);
        }
    }

    private long writesOnReceiveThread(String target) {
        return TargetCounts.requests(exports.get(target).counts().subList(0, 1), TargetCounts.Op.WRITE);
    }

    private long writesOnIoThreads(String target) {
        List<TargetCounts> blocks = exports.get(target).counts();
        return TargetCounts.requests(blocks.subList(1, blocks.size()), TargetCounts.Op.WRITE);
    }
}
