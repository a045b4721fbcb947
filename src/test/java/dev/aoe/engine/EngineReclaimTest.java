package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.responder.StateFile;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link Engine#remove(int, int, Reclaim)} deletes besides the service: the persisted state
 * and the file the export created, once; a file it did not create is kept.
 */
class EngineReclaimTest {
    private static final long MIB = 1 << 20;
    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;

    @Test
    void removedForGoodTheStateAndTheCreatedFileGoOnce() throws Exception {
        fx = engines.start(1500);
        Path created = fx.dir.resolve("new.img");
        assertTrue(fx.add(fx.spec(1, 5, StoreSpec.of(created).withCreateSize(MIB))).createdSource());
        Path state = savedState(1, 5);

        assertNotNull(fx.engine().remove(1, 5, Reclaim.stateAndCreatedFile(created, false)));

        assertFalse(Files.exists(created), "the file the export created is deleted");
        assertFalse(Files.exists(state), "its state is deleted");
        assertTrue(fx.engine().served().isEmpty());
        Files.write(created, new byte[512]); // a file of the same name, made since by someone else
        assertNull(fx.engine().remove(1, 5, Reclaim.stateAndCreatedFile(created, false)), "no longer served");
        assertTrue(Files.exists(created), "deleted once: the new file is not the export's");
    }

    @Test
    void aFileTheExportDidNotCreateIsKept() throws Exception {
        fx = engines.start(1500);
        Path disk = fx.disk("d.img", MIB);
        assertFalse(fx.add(fx.spec(1, 6, StoreSpec.of(disk).withCreateSize(MIB))).createdSource());
        Path state = savedState(1, 6);

        fx.engine().remove(1, 6, Reclaim.stateAndCreatedFile(disk, false));

        assertTrue(Files.exists(disk), "the file was there before the export: kept");
        assertEquals(MIB, Files.size(disk));
        assertFalse(Files.exists(state), "the state goes with the export");
    }

    @Test
    void stoppingKeepsTheStateAndTheFileForTheExportServedAgain() throws Exception {
        fx = engines.start(1500);
        Path created = fx.dir.resolve("new.img");
        fx.add(fx.spec(1, 7, StoreSpec.of(created).withCreateSize(MIB)));
        Path state = savedState(1, 7);

        fx.engine().remove(1, 7);

        assertTrue(Files.exists(created));
        assertTrue(Files.exists(state));
    }

    @Test
    void aFileAnEarlierEngineCreatedIsDeletedThoughNotServed() throws Exception {
        fx = engines.start(1500);
        Path created = fx.disk("earlier.img", MIB);
        Path state = savedState(1, 8);

        assertNull(fx.engine().remove(1, 8, Reclaim.stateAndCreatedFile(created, true)));

        assertFalse(Files.exists(created), "created before, as the export's last report says");
        assertFalse(Files.exists(state));
    }

    private Path savedState(int shelf, int slot) throws Exception {
        StateFile file = StateFile.of(fx.stateDir, shelf, slot);
        file.save(new StateFile.Saved(new byte[] {'x'}, new long[0], new long[0]));
        return file.path();
    }
}
