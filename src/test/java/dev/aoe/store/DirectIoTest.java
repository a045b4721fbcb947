package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.testing.Privileges;
import dev.aoe.testing.Shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** O_DIRECT (vblade -d): routing of aligned and unaligned I/O, and file systems without it. */
class DirectIoTest {
    private static final int SECTOR = BlockStore.SECTOR_SIZE;
    /** The largest file system block size we expect; buffers aligned to it suit any of them. */
    private static final int ALIGN = 4096;
    private static final int O_DIRECT = 040000;
    /** The JUnit temp dir may be in RAM; direct I/O is only meaningful on a disk. */
    private static final Path DISK_TMP = Path.of("/var/tmp");
    private static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");

    private Path dir;

    @BeforeEach
    void diskBackedDirectory() throws IOException {
        dir = Files.createTempDirectory(DISK_TMP, "aoe-store-test");
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void onlyAlignedDirectBuffersAtAlignedPositionsGoDirect() {
        ByteBuffer aligned = alignedBuffer(2 * ALIGN);
        assertTrue(FileStore.isDirectAligned(ALIGN, aligned, ALIGN));
        assertFalse(FileStore.isDirectAligned(SECTOR, aligned, ALIGN), "position");
        assertFalse(FileStore.isDirectAligned(0, aligned.duplicate().limit(ALIGN + SECTOR), ALIGN), "length");
        assertFalse(FileStore.isDirectAligned(0, aligned.duplicate().position(SECTOR).limit(ALIGN + SECTOR), ALIGN),
                "buffer address");
        assertFalse(FileStore.isDirectAligned(0, ByteBuffer.allocate(ALIGN), ALIGN), "heap buffer");
    }

    @Test
    void directIoOnADiskBackedFile() throws IOException {
        String type = Files.getFileStore(dir).type();
        assumeTrue(!MEMORY_FILE_SYSTEMS.contains(type),
                DISK_TMP + " is " + type + " here: O_DIRECT needs a disk-backed file system to mean anything");
        Path file = dir.resolve("direct.img");
        try (FileStore store = Stores.open(StoreSpec.of(file).withCreateSize(1 << 20).withDirect(true))) {
            List<Integer> flags = Shell.openFlags(file);
            assertEquals(3, flags.size(), "a buffered and a direct channel, and the source's descriptor (to measure it again)");
            assertEquals(1, flags.stream().filter(f -> (f & O_DIRECT) != 0).count());

            ByteBuffer pages = alignedBuffer(2 * ALIGN);
            pages.put(BlockDeviceStoreTest.pattern(2 * ALIGN / SECTOR)).flip();
            store.write(ALIGN / SECTOR, pages);
            ByteBuffer oneSector = BlockDeviceStoreTest.pattern(1);
            store.write(1, oneSector.duplicate());

            ByteBuffer back = alignedBuffer(2 * ALIGN);
            store.read(ALIGN / SECTOR, back);
            assertEquals(BlockDeviceStoreTest.pattern(2 * ALIGN / SECTOR), back.flip());
            assertFalse(store.tryReadCached(ALIGN / SECTOR, alignedBuffer(ALIGN)), "O_DIRECT reads bypass the page cache");
            ByteBuffer backOne = ByteBuffer.allocate(SECTOR);
            store.read(1, backOne);
            assertEquals(oneSector, backOne.flip());
        }
        try (FileChannel fresh = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer raw = ByteBuffer.allocate(3 * ALIGN);
            fresh.read(raw, 0);
            assertEquals(BlockDeviceStoreTest.pattern(1), raw.slice(SECTOR, SECTOR));
            assertEquals(BlockDeviceStoreTest.pattern(2 * ALIGN / SECTOR), raw.slice(ALIGN, 2 * ALIGN));
        }
    }

    /** ramfs has no O_DIRECT (tmpfs has had it since Linux 6.6), so it stands in for any such file system. */
    @Test
    void aFileSystemWithoutDirectIoIsReportedAndNothingIsLeftBehind() throws IOException {
        assumeTrue(Privileges.isRoot(), "needs root to mount a ramfs");
        Path mount = Files.createDirectory(dir.resolve("ramfs"));
        Shell.run("mount", "-t", "ramfs", "ramfs", mount.toString());
        try {
            Path file = mount.resolve("disk.img");
            StoreException e = assertThrows(StoreException.class,
                    () -> Stores.open(StoreSpec.of(file).withCreateSize(1 << 20).withDirect(true)));
            assertTrue(e.getMessage().startsWith("O_DIRECT is not supported by the file system of " + file),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith(": open it without direct I/O (drop -d)"), e.getMessage());
            assertFalse(Files.exists(file), "the file this open created is removed again");
        } finally {
            Shell.run("umount", mount.toString());
        }
    }

    /** A direct buffer of {@code bytes} whose address is aligned for O_DIRECT. */
    static ByteBuffer alignedBuffer(int bytes) {
        int rounded = (bytes + ALIGN - 1) / ALIGN * ALIGN;
        return ByteBuffer.allocateDirect(rounded + ALIGN).alignedSlice(ALIGN).limit(bytes);
    }
}
