package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Shell;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    private static final int SECTOR = BlockStore.SECTOR_SIZE;
    private static final long SOURCE_SECTORS = 1024;
    private static final long OFFSET = 100;
    private static final long LENGTH = 200;
    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;

    @TempDir
    Path dir;

    @Test
    void aWindowMapsSectorsToTheirPlaceInTheSource() throws IOException {
        Path file = source();
        StoreSpec spec = StoreSpec.of(file).withOffsetSectors(OFFSET).withLengthSectors(LENGTH);
        try (FileStore store = Stores.open(spec)) {
            assertEquals(LENGTH, store.sectors());
            store.write(0, filled(1, 0x11));
            store.write(LENGTH - 2, filled(2, 0x22));
        }
        byte[] raw = Files.readAllBytes(file);
        assertRange(raw, 0, OFFSET * SECTOR, 0);
        assertRange(raw, OFFSET * SECTOR, (OFFSET + 1) * SECTOR, 0x11);
        assertRange(raw, (OFFSET + 1) * SECTOR, (OFFSET + LENGTH - 2) * SECTOR, 0);
        assertRange(raw, (OFFSET + LENGTH - 2) * SECTOR, (OFFSET + LENGTH) * SECTOR, 0x22);
        assertRange(raw, (OFFSET + LENGTH) * SECTOR, raw.length, 0);
    }

    @Test
    void readsComeFromTheWindow() throws IOException {
        Path file = source();
        byte[] raw = new byte[(int) SOURCE_SECTORS * SECTOR];
        Arrays.fill(raw, (int) (OFFSET + 5) * SECTOR, (int) (OFFSET + 6) * SECTOR, (byte) 0x5A);
        Files.write(file, raw);
        try (FileStore store = Stores.open(StoreSpec.of(file).withOffsetSectors(OFFSET))) {
            ByteBuffer dst = ByteBuffer.allocateDirect(3 * SECTOR);
            store.read(4, dst);
            assertEquals(3 * SECTOR, dst.position(), "the buffer is filled and its position advanced");
            assertEquals(0, dst.get(SECTOR - 1));
            assertEquals(0x5A, dst.get(SECTOR));
            assertEquals(0x5A, dst.get(2 * SECTOR - 1));
            assertEquals(0, dst.get(2 * SECTOR));
        }
    }

    @Test
    void readOnlyRefusesWrites() throws IOException {
        Path file = source();
        try (FileStore store = Stores.open(StoreSpec.of(file).withReadOnly(true))) {
            ByteBuffer src = filled(1, 0x77);
            IOException e = assertThrows(IOException.class, () -> store.write(0, src));
            assertEquals("export is read-only: " + file, e.getMessage());
            assertEquals(SECTOR, src.remaining(), "nothing was consumed");
            store.read(0, ByteBuffer.allocate(SECTOR));
            store.flush();
            List<Integer> flags = Shell.openFlags(file);
            assertEquals(3, flags.size(), "the channel, the descriptor for cached reads, the source's own");
            assertTrue(flags.stream().allMatch(f -> (f & O_ACCMODE) == O_RDONLY), "the kernel refuses writes too");
        }
        assertRange(Files.readAllBytes(file), 0, SECTOR, 0);
    }

    @Test
    void ioOutsideTheWindowIsRefusedBeforeItReachesTheSource() throws IOException {
        Path file = source();
        StoreSpec spec = StoreSpec.of(file).withOffsetSectors(OFFSET).withLengthSectors(LENGTH);
        try (FileStore store = Stores.open(spec)) {
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> store.write(LENGTH - 1, filled(2, 0x33)));
            assertEquals("sectors 199 to 200 lie outside the export's 200 sectors", past.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.read(LENGTH, ByteBuffer.allocate(SECTOR)));
            assertThrows(IllegalArgumentException.class, () -> store.read(-1, ByteBuffer.allocate(SECTOR)));
            assertThrows(IllegalArgumentException.class, () -> store.write(Long.MAX_VALUE, filled(1, 0x33)));
            IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                    () -> store.read(0, ByteBuffer.allocate(100)));
            assertEquals("a transfer of 100 bytes is not a whole number of 512-byte sectors", partial.getMessage());
        }
        assertRange(Files.readAllBytes(file), 0, SOURCE_SECTORS * SECTOR, 0);
    }

    @Test
    void aSourceThatShrankGivesAShortRead() throws IOException {
        Path file = source();
        try (FileStore store = Stores.open(StoreSpec.of(file))) {
            try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
                truncate.truncate((SOURCE_SECTORS - 1) * SECTOR + 100);
            }
            ByteBuffer dst = ByteBuffer.allocate(2 * SECTOR);
            EOFException e = assertThrows(EOFException.class, () -> store.read(SOURCE_SECTORS - 2, dst));
            assertTrue(e.getMessage().startsWith("short read: " + file + " ends at byte "), e.getMessage());
        }
    }

    @Test
    void durableWritesAreReadBackThroughAFreshChannel() throws IOException {
        Path file = source();
        ByteBuffer data = filled(8, 0);
        for (int i = 0; i < data.capacity(); i++) {
            data.put(i, (byte) (i * 31));
        }
        try (FileStore store = Stores.open(StoreSpec.of(file))) {
            store.write(16, data.duplicate());
            assertTrue(store.flushes() >= 1, "a write with the write cache off waits for fdatasync");
        }
        ByteBuffer back = ByteBuffer.allocate(data.capacity());
        try (FileChannel fresh = FileChannel.open(file, StandardOpenOption.READ)) {
            fresh.read(back, 16L * SECTOR);
        }
        assertEquals(data, back.flip());
    }

    @Test
    void writeBackDefersTheFlushToFlush() throws IOException {
        Path file = source();
        try (FileStore store = Stores.open(StoreSpec.of(file).withWriteCache(WriteCache.WRITE_BACK))) {
            assertEquals(WriteCache.WRITE_BACK, store.writeCache());
            store.write(0, filled(1, 0x44));
            store.write(1, filled(1, 0x45));
            assertEquals(0, store.flushes(), "write-back acknowledges from the page cache");
            store.flush();
            assertEquals(1, store.flushes(), "FLUSH CACHE really flushes");
        }
    }

    @Test
    void flushAlwaysReachesTheDiskOnce() throws IOException {
        try (FileStore store = Stores.open(StoreSpec.of(source()).withWriteCache(WriteCache.WRITE_BACK))) {
            store.flush();
            assertEquals(1, store.flushes(), "an earlier process may have left dirty pages");
        }
    }

    @Test
    @Timeout(30)
    void concurrentDurableWritersShareFdatasyncs() throws Exception {
        int writers = 16;
        int writesEach = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (FileStore store = Stores.open(StoreSpec.of(source()))) {
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                futures.add(pool.submit(() -> {
                    ByteBuffer sector = filled(1, id);
                    start.await();
                    for (int i = 0; i < writesEach; i++) {
                        store.write(id * writesEach + i, sector.clear());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            long flushes = store.flushes();
            assertTrue(flushes < writers * writesEach,
                    writers * writesEach + " durable writes took " + flushes + " flushes");
            ByteBuffer back = ByteBuffer.allocate(SECTOR);
            store.read(5 * writesEach + 3, back);
            assertEquals(filled(1, 5), back.flip());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ioAfterCloseFails() throws IOException {
        FileStore store = Stores.open(StoreSpec.of(source()));
        store.close();
        assertThrows(ClosedChannelException.class, () -> store.read(0, ByteBuffer.allocate(SECTOR)));
        assertThrows(ClosedChannelException.class, () -> store.write(0, filled(1, 1)));
        assertThrows(IOException.class, store::flush);
    }

    @Test
    void aCachedReadEitherFillsTheBufferFromTheWindowOrLeavesItUntouched() throws IOException {
        Path file = source();
        byte[] raw = new byte[(int) SOURCE_SECTORS * SECTOR];
        Arrays.fill(raw, (int) (OFFSET + 3) * SECTOR, (int) (OFFSET + 5) * SECTOR, (byte) 0x3C);
        Files.write(file, raw);
        try (FileStore store = Stores.open(StoreSpec.of(file).withOffsetSectors(OFFSET))) {
            ByteBuffer dst = ByteBuffer.allocateDirect(2 * SECTOR);
            // The file was just written, so the page cache most likely holds it; a kernel or
            // file system without RWF_NOWAIT reads may still say no, which must be harmless.
            if (store.tryReadCached(3, dst)) {
                assertEquals(2 * SECTOR, dst.position());
                assertRange(bytes(dst), 0, 2 * SECTOR, 0x3C);
            } else {
                assertEquals(0, dst.position());
            }
        }
    }

    @Test
    void cachedReadsRefuseTheOutsideOfTheWindowHeapBuffersAndClosedStores() throws IOException {
        FileStore store = Stores.open(StoreSpec.of(source()).withLengthSectors(LENGTH));
        assertThrows(IllegalArgumentException.class,
                () -> store.tryReadCached(LENGTH - 1, ByteBuffer.allocateDirect(2 * SECTOR)));
        assertFalse(store.tryReadCached(0, ByteBuffer.allocate(SECTOR)), "heap buffers take the blocking path");
        store.close();
        assertFalse(store.tryReadCached(0, ByteBuffer.allocateDirect(SECTOR)));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.capacity()];
        buffer.get(0, b);
        return b;
    }

    private Path source() throws IOException {
        Path file = dir.resolve("source.img");
        StoresTest.sparseFile(file, SOURCE_SECTORS * SECTOR);
        return file;
    }

    private static ByteBuffer filled(int sectors, int value) {
        byte[] bytes = new byte[sectors * SECTOR];
        Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    private static void assertRange(byte[] raw, long from, long to, int value) {
        byte[] expected = new byte[(int) (to - from)];
        Arrays.fill(expected, (byte) value);
        assertArrayEquals(expected, Arrays.copyOfRange(raw, (int) from, (int) to),
                "bytes " + from + " to " + to + " should all be " + value);
    }
}
