package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class StoreSpecTest {
    private static final Path PATH = Path.of("/var/lib/aoe/disk.img");

    @Test
    void defaultsExportTheWholeExistingSourceDurably() {
        StoreSpec spec = StoreSpec.of(PATH);
        assertEquals(OptionalLong.empty(), spec.createSize());
        assertEquals(0, spec.offsetSectors());
        assertEquals(OptionalLong.empty(), spec.lengthSectors());
        assertFalse(spec.readOnly());
        assertFalse(spec.direct());
        assertEquals(WriteCache.OFF, spec.writeCache());
    }

    @Test
    void withersChangeOneComponent() {
        StoreSpec spec = StoreSpec.of(PATH).withCreateSize(1 << 20).withOffsetSectors(8).withLengthSectors(16)
                .withReadOnly(true).withDirect(true).withWriteCache(WriteCache.WRITE_BACK).withRule(SourceRule.device());
        assertEquals(new StoreSpec(PATH, OptionalLong.of(1 << 20), 8, OptionalLong.of(16), true, true,
                WriteCache.WRITE_BACK, SourceRule.device()), spec);
    }

    @Test
    void sizeMustBeWholePositiveSectors() {
        assertMessage("size -512 bytes is negative", () -> StoreSpec.of(PATH).withCreateSize(-512));
        assertMessage("size 0 bytes is less than one 512-byte sector", () -> StoreSpec.of(PATH).withCreateSize(0));
        assertMessage("size 1000 bytes is not a multiple of 512: an export is made of 512-byte sectors",
                () -> StoreSpec.of(PATH).withCreateSize(1000));
    }

    @Test
    void offsetAndLengthMustBeInRange() {
        assertMessage("offset -1 sectors is negative", () -> StoreSpec.of(PATH).withOffsetSectors(-1));
        assertMessage("length -2 sectors is negative", () -> StoreSpec.of(PATH).withLengthSectors(-2));
        assertMessage("length 0 sectors: an export needs at least one sector",
                () -> StoreSpec.of(PATH).withLengthSectors(0));
        assertMessage("offset " + Long.MAX_VALUE + " sectors is beyond the largest byte offset a source can have",
                () -> StoreSpec.of(PATH).withOffsetSectors(Long.MAX_VALUE));
        long maxSectors = Long.MAX_VALUE / 512;
        assertMessage("offset " + maxSectors + " + length 1 sectors is beyond the largest byte offset a source can have",
                () -> StoreSpec.of(PATH).withOffsetSectors(maxSectors).withLengthSectors(1));
    }

    @Test
    void everyComponentIsRequired() {
        assertThrows(NullPointerException.class, () -> StoreSpec.of(null));
        assertThrows(NullPointerException.class, () -> StoreSpec.of(PATH).withWriteCache(null));
    }

    private static void assertMessage(String expected, Executable executable) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }
}
