package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Shell;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    private static final int MIB = 1 << 20;
    private static final long SIZE = 64L * MIB;

    @TempDir
    Path dir;

    @Test
    void createsAMissingFileSparse() throws IOException {
        Path file = dir.resolve("new.img");
        try (FileStore store = Stores.open(StoreSpec.of(file).withCreateSize(SIZE))) {
            assertTrue(store.created());
            assertEquals(SIZE / 512, store.sectors());
            assertEquals(SIZE, Files.size(file));
            assertEquals(0, Shell.allocatedBlocks(file), "a created file allocates no blocks");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            ByteBuffer sector = ByteBuffer.allocate(512);
            store.read(store.sectors() - 1, sector);
            assertEquals(ByteBuffer.allocate(512), sector.flip(), "a new export reads as zeros");
        }
    }

    @Test
    void growsASmallerFileWithoutTouchingItsData() throws IOException {
        Path file = dir.resolve("small.img");
        byte[] data = new byte[MIB];
        data[0] = 42;
        Files.write(file, data);
        try (FileStore store = Stores.open(StoreSpec.of(file).withCreateSize(SIZE))) {
            assertFalse(store.created());
            assertEquals(SIZE / 512, store.sectors());
        }
        assertEquals(SIZE, Files.size(file));
        assertEquals(42, Files.readAllBytes(file)[0]);
    }

    @Test
    void neverShrinksALargerFile() throws IOException {
        Path file = dir.resolve("large.img");
        sparseFile(file, SIZE);
        try (FileStore store = Stores.open(StoreSpec.of(file).withCreateSize(MIB))) {
            assertFalse(store.created());
            assertEquals(SIZE / 512, store.sectors());
        }
        assertEquals(SIZE, Files.size(file));
    }

    @Test
    void opensAnExistingFileWithItsOwnSize() throws IOException {
        Path file = dir.resolve("existing.img");
        sparseFile(file, SIZE + 100); // a trailing partial sector is not exported, as in vblade
        try (FileStore store = Stores.open(StoreSpec.of(file))) {
            assertFalse(store.created());
            assertEquals(SIZE / 512, store.sectors());
            assertEquals(file, store.path());
        }
    }

    @Test
    void readOnlyExportsMayBeCreated() throws IOException {
        Path file = dir.resolve("ro.img");
        try (FileStore store = Stores.open(StoreSpec.of(file).withCreateSize(MIB).withReadOnly(true))) {
            assertTrue(store.created());
            assertTrue(store.readOnly());
        }
    }

    @Test
    void aMissingFileNeedsASize() {
        Path file = dir.resolve("x/y");
        assertMessage(file + " does not exist; pass a size to create it", StoreSpec.of(file));
    }

    @Test
    void aMissingDirectoryIsReported() {
        Path file = dir.resolve("x/y");
        assertMessage("cannot create " + file + ": its directory does not exist",
                StoreSpec.of(file).withCreateSize(MIB));
    }

    @Test
    void aDirectoryIsNotASource() {
        assertMessage(dir + " is a directory; a source is a regular file or a block device", StoreSpec.of(dir));
    }

    @Test
    void otherFileTypesAreNotSources() {
        Path tty = Path.of("/dev/null");
        assertMessage(tty + " is neither a regular file nor a block device", StoreSpec.of(tty));
    }

    @Test
    void theWindowMustFitTheSource() throws IOException {
        Path file = dir.resolve("window.img");
        sparseFile(file, 1024 * 512);
        assertMessage("offset 100 + length 2000 sectors exceeds the source's 1024 sectors (" + file + ")",
                StoreSpec.of(file).withOffsetSectors(100).withLengthSectors(2000));
        assertMessage("offset 1024 sectors leaves nothing of the source's 1024 sectors (" + file + ")",
                StoreSpec.of(file).withOffsetSectors(1024));
        try (FileStore store = Stores.open(StoreSpec.of(file).withOffsetSectors(1000))) {
            assertEquals(24, store.sectors());
        }
        try (FileStore store = Stores.open(StoreSpec.of(file).withOffsetSectors(24).withLengthSectors(1000))) {
            assertEquals(1000, store.sectors());
        }
    }

    @Test
    void anEmptyFileHasNothingToExport() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.img"));
        assertMessage("offset 0 sectors leaves nothing of the source's 0 sectors (" + file + ")", StoreSpec.of(file));
    }

    @Test
    void theWindowIsCheckedBeforeAnythingIsCreated() {
        Path file = dir.resolve("never.img");
        assertMessage("offset 2048 + length 1 sectors exceeds the source's 2048 sectors (" + file + ")",
                StoreSpec.of(file).withCreateSize(MIB).withOffsetSectors(2048).withLengthSectors(1));
        assertFalse(Files.exists(file));
    }

    @Test
    void followsSymbolicLinks() throws IOException {
        Path file = dir.resolve("target.img");
        sparseFile(file, MIB);
        Path link = Files.createSymbolicLink(dir.resolve("link.img"), file);
        try (FileStore store = Stores.open(StoreSpec.of(link))) {
            assertEquals(MIB / 512, store.sectors());
        }
    }

    static void sparseFile(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
        }
    }

    private static void assertMessage(String expected, StoreSpec spec) {
        Executable open = () -> Stores.open(spec).close();
        assertEquals(expected, assertThrows(StoreException.class, open).getMessage());
    }
}
