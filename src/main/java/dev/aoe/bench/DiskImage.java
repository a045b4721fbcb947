package dev.aoe.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk both targets serve: a regular file fully written with zeros, so every block is
 * allocated and neither target reads holes or allocates blocks on first write.
 */
final class DiskImage {
    private static final int CHUNK_BYTES = 1 << 20;

    private DiskImage() {
    }

    static void create(Path path, long bytes) throws IOException {
        if (bytes <= 0 || bytes % 512 != 0) {
            throw new IllegalArgumentException("disk size must be a positive number of 512-byte sectors, not " + bytes);
        }
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK_BYTES);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long position = 0; position < bytes; ) {
                zeros.clear().limit((int) Math.min(CHUNK_BYTES, bytes - position));
                position += file.write(zeros, position);
            }
            file.force(true);
        }
    }

    /**
     * Writes back what an earlier target left dirty in the page cache, so the next target's
     * flushes (ours) or synchronous writes ({@code vblade -s}) do not pay for it, and the
     * kernel's own write-back of it does not land in the middle of a measurement.
     */
    static void sync(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            file.force(true);
        }
    }
}
