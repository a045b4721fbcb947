package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aoe.testing.LoopDevices;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A block device source, on loop devices attached to files in a temporary directory. */
class BlockDeviceStoreTest {
    private static final int SECTOR = BlockStore.SECTOR_SIZE;
    private static final long DEVICE_BYTES = 8L << 20;
    private static final int LOGICAL_4KN = 4096;

    @RegisterExtension
    final LoopDevices loops = new LoopDevices();

    @Test
    void sizeComesFromTheDevice() throws IOException {
        Path device = loopDevice("disk.img");
        try (OpenedSource source = OpenedSource.open(StoreSpec.of(device))) {
            assertEquals(DEVICE_BYTES, source.bytes());
            assertEquals(SECTOR, source.logicalBlockSize());
        }
        try (FileStore store = Stores.open(StoreSpec.of(device))) {
            assertFalse(store.created());
            assertEquals(DEVICE_BYTES / SECTOR, store.sectors());
        }
    }

    @Test
    void windowedWritesLandAtTheirPlaceOnTheDevice() throws IOException {
        Path backing = loops.backingFile("window.img");
        Path device = loopDevice("window.img");
        long offset = 64;
        try (FileStore store = Stores.open(StoreSpec.of(device).withOffsetSectors(offset).withLengthSectors(128))) {
            assertEquals(128, store.sectors());
            ByteBuffer data = pattern(4);
            store.write(10, data.duplicate());
            ByteBuffer back = ByteBuffer.allocate(data.capacity());
            store.read(10, back);
            assertEquals(data, back.flip());
        }
        assertEquals(pattern(4), readAt(device, (offset + 10) * SECTOR, 4 * SECTOR));
        assertEquals(pattern(4), readAt(backing, (offset + 10) * SECTOR, 4 * SECTOR));
        assertEquals(ByteBuffer.allocate(SECTOR), readAt(backing, (offset + 9) * SECTOR, SECTOR));
    }

    @Test
    void aBlockDeviceTakesNoSize() throws IOException {
        Path device = loopDevice("sized.img");
        StoreException e = assertThrows(StoreException.class,
                () -> Stores.open(StoreSpec.of(device).withCreateSize(DEVICE_BYTES)));
        assertEquals(device + " is a block device, whose size comes from the device; drop the size", e.getMessage());
    }

    @Test
    void theWindowMustFitTheDevice() throws IOException {
        Path device = loopDevice("small.img");
        long sectors = DEVICE_BYTES / SECTOR;
        StoreException e = assertThrows(StoreException.class,
                () -> Stores.open(StoreSpec.of(device).withOffsetSectors(1).withLengthSectors(sectors)));
        assertEquals("offset 1 + length " + sectors + " sectors exceeds the source's " + sectors
                + " sectors (" + device + ")", e.getMessage());
    }

    /** aoe-protocol §7 item 17: single sectors on 4Kn media cannot use O_DIRECT; they still work. */
    @Test
    void directIoOn4knMediaFallsBackForSingleSectors() throws IOException {
        Path device = loopDevice("4kn.img", "--sector-size", Integer.toString(LOGICAL_4KN));
        try (OpenedSource source = OpenedSource.open(StoreSpec.of(device))) {
            assertEquals(LOGICAL_4KN, source.logicalBlockSize());
        }
        try (FileStore store = Stores.open(StoreSpec.of(device).withDirect(true))) {
            ByteBuffer one = DirectIoTest.alignedBuffer(SECTOR);
            one.put(pattern(1)).flip();
            store.write(3, one);
            ByteBuffer page = DirectIoTest.alignedBuffer(LOGICAL_4KN);
            page.put(pattern(LOGICAL_4KN / SECTOR)).flip();
            store.write(8, page);

            ByteBuffer back = DirectIoTest.alignedBuffer(SECTOR);
            store.read(3, back);
            assertEquals(pattern(1), back.flip());
            ByteBuffer backPage = DirectIoTest.alignedBuffer(LOGICAL_4KN);
            store.read(8, backPage);
            assertEquals(pattern(LOGICAL_4KN / SECTOR), backPage.flip());
        }
        assertEquals(pattern(1), readAt(device, 3L * SECTOR, SECTOR));
    }

    private Path loopDevice(String name, String... options) throws IOException {
        return loops.attach(name, DEVICE_BYTES, options);
    }

    private static ByteBuffer readAt(Path path, long position, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
                // keep reading until full
            }
        }
        return buffer.flip();
    }

    static ByteBuffer pattern(int sectors) {
        ByteBuffer buffer = ByteBuffer.allocate(sectors * SECTOR);
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) (i * 7 + i / SECTOR));
        }
        return buffer;
    }
}
