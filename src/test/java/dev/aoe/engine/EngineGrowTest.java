package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aoe.initiator.AtaException;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Growing a served export live: initiators see the new size in their next IDENTIFY. */
class EngineGrowTest {
    private static final long MIB = 1 << 20;
    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;

    @Test
    void aGrownFileIsServedWholeAtOnceAndIoPastTheOldEndWorks() throws Exception {
        fx = engines.start(1500);
        Path disk = fx.disk("d.img", MIB);
        fx.add(fx.spec(1, 2, StoreSpec.of(disk).withCreateSize(MIB)));
        TargetInfo t = fx.find(1, 2);
        assertEquals(MIB / 512, fx.initiator.identify(t).sectors());
        byte[] before = filled(1024, 7);
        fx.write(t, 0, before);
        long oldEnd = MIB / 512;
        assertThrows(AtaException.class, () -> fx.read(t, oldEnd, 512), "past the old end fails before the grow");

        ExportStatus grown = fx.engine().grow(1, 2, OptionalLong.of(4 * MIB));

        assertEquals(4 * MIB, grown.sizeBytes());
        assertEquals(4 * MIB, Files.size(disk), "the file was grown (ftruncate)");
        assertEquals(4 * MIB / 512, fx.initiator.identify(t).sectors(), "IDENTIFY answers the new LBA count");
        byte[] after = filled(4096, 9);
        fx.write(t, oldEnd + 10, after);
        assertArrayEquals(after, fx.read(t, oldEnd + 10, 4096), "I/O past the old end works");
        assertArrayEquals(before, fx.read(t, 0, 1024), "the old data is untouched");
        assertThrows(AtaException.class, () -> fx.read(t, 4 * MIB / 512, 512), "past the new end still fails");
    }

    @Test
    void aFileGrownUnderTheExportIsMeasuredAgainAndAShrinkIsNeverApplied() throws Exception {
        fx = engines.start(1500);
        Path disk = fx.disk("d.img", 2 * MIB);
        fx.add(fx.spec(1, 3, StoreSpec.of(disk)));
        TargetInfo t = fx.find(1, 3);

        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(3 * MIB); // truncate -s 3M, behind the engine's back
        }
        assertEquals(2 * MIB / 512, fx.initiator.identify(t).sectors(), "not measured yet");
        assertEquals(3 * MIB, fx.engine().grow(1, 3, OptionalLong.empty()).sizeBytes());
        assertEquals(3 * MIB / 512, fx.initiator.identify(t).sectors());

        assertEquals(3 * MIB, fx.engine().grow(1, 3, OptionalLong.of(MIB)).sizeBytes(), "a smaller size is no shrink");
        assertEquals(3 * MIB, Files.size(disk), "the file is never cut");
        assertEquals(3 * MIB / 512, fx.initiator.identify(t).sectors());
    }

    @Test
    void anExportWithALengthKeepsIt() throws Exception {
        fx = engines.start(1500);
        Path disk = fx.disk("d.img", 2 * MIB);
        fx.add(fx.spec(1, 4, StoreSpec.of(disk).withOffsetSectors(8).withLengthSectors(1024)));

        ExportStatus s = fx.engine().grow(1, 4, OptionalLong.of(4 * MIB));

        assertEquals(1024 * 512, s.sizeBytes());
        assertEquals(4 * MIB, Files.size(disk), "the file grows; the window does not");
    }

    private static byte[] filled(int bytes, int value) {
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
