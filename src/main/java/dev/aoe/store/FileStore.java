package dev.aoe.store;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;

/**
 * A {@link BlockStore} on a regular file or a block device, through positional
 * {@link FileChannel} I/O, so any number of I/O threads may use it at once. Open one with
 * {@link Stores#open}.
 *
 * <p><b>Window.</b> Sector {@code lba} of the export is byte {@code (offset + lba) * 512} of the
 * source. Every I/O is checked against the window before it is issued, so a caller's bug can
 * never reach data outside it.
 *
 * <p><b>Durability.</b> Every write is counted by a {@link GroupCommit}. With
 * {@link WriteCache#OFF} a write returns after an {@code fdatasync} ({@code force(false)}) that
 * started after its data was written; concurrent writers share that flush. With
 * {@link WriteCache#WRITE_BACK} a write returns once the data is in the page cache, and
 * {@link #flush()} makes it durable. A failed flush fails every later write and flush: see
 * {@link GroupCommit}.
 *
 * <p><b>Direct I/O</b> ({@code direct}, vblade {@code -d}). Java requires an O_DIRECT transfer to
 * start and end on the file system's block size (usually 4096) and, for a direct ByteBuffer, to
 * start at an address aligned to it; on 4Kn devices the kernel requires the logical sector size.
 * AoE transfers are whole 512-byte sectors at any sector, so the store keeps two channels on
 * the same file: I/Os that are aligned (position, length and buffer address) go through the
 * O_DIRECT channel, the others through the buffered one. Both reach the same inode, so one
 * {@code fdatasync} covers writes made through either, and Linux keeps the page cache coherent
 * with direct I/O.
 *
 * <p><b>Block devices</b> are held exclusively while the store is open ({@link DeviceClaims}):
 * nothing mounts the device under an export, in any mount namespace.
 *
 * <p>Do not interrupt threads doing I/O on a store: like every interruptible channel, a
 * FileChannel closes itself when a thread blocked in it is interrupted.
 */
public final class FileStore implements BlockStore {
    private final Path path;
    private final FileChannel channel;
    /** The O_DIRECT channel, or null without direct I/O. */
    private final FileChannel directChannel;
    /** Alignment of position, length and buffer address an O_DIRECT transfer needs. */
    private final int directAlignment;
    /** Non-blocking reads from the page cache, or null for O_DIRECT stores, which bypass it. */
    private final CachedReader cachedReader;
    private final long windowStart;
    private final long offsetSectors;
    /** A window of fixed length (vblade -l) never grows with its source. */
    private final boolean fixedLength;
    /** Read by every request (IDENTIFY, the bounds check); only {@link #grow} writes it, and only upwards. */
    private volatile long sectors;
    private final boolean readOnly;
    private final WriteCache writeCache;
    private final boolean created;
    private final GroupCommit commit;
    private final SectorLocks locks = new SectorLocks();
    /** The opened file's {@code fileKey} (device and inode), or null when the file system has none. */
    private final Object sourceKey;
    private final boolean blockDevice;
    /** The source's descriptor, opened and checked by {@link Stores#open}: what {@link #grow} measures. */
    private final int sourceFd;
    /** Guarded by this: the descriptor number is closed, and may already name another file. */
    private boolean closed;
    /** A block device's exclusive claim, held while served; null for a file. */
    private final Closeable deviceClaim;

    /**
     * Takes ownership of the channels, the reader, the source's descriptor and the device claim;
     * {@code sectors} is the window's checked length.
     */
    FileStore(StoreSpec spec, long sectors, boolean created, FileChannel channel, FileChannel directChannel,
            int directAlignment, CachedReader cachedReader, Object sourceKey, boolean blockDevice, int sourceFd,
            Closeable deviceClaim) {
        this.path = spec.path();
        this.channel = channel;
        this.directChannel = directChannel;
        this.directAlignment = directAlignment;
        this.cachedReader = cachedReader;
        this.windowStart = spec.offsetSectors() * SECTOR_SIZE;
        this.offsetSectors = spec.offsetSectors();
        this.fixedLength = spec.lengthSectors().isPresent();
        this.sectors = sectors;
        this.readOnly = spec.readOnly();
        this.writeCache = spec.writeCache();
        this.created = created;
        this.commit = new GroupCommit(() -> channel.force(false));
        this.sourceKey = sourceKey;
        this.blockDevice = blockDevice;
        this.sourceFd = sourceFd;
        this.deviceClaim = deviceClaim;
    }

    /**
     * Serves what the source holds now. A file smaller than {@code fileSize} is grown to it
     * (ftruncate: sparse; a larger file is never cut); then the source is measured again, a file
     * by its size, a device by its geometry (it may have grown under the export: {@code lvextend},
     * {@code losetup -c}), and an export without a fixed length grows to the new end. The export
     * never shrinks: a source that did keeps being served at the old size (I/O past its end
     * fails as a media error). Requests in flight are untouched; the next one sees the new size.
     *
     * @param fileSize bytes, a multiple of 512, for a file source; empty: only measure
     * @return the export's sectors now
     */
    public synchronized long grow(OptionalLong fileSize) throws IOException {
        if (closed) {
            throw new IOException("store closed: " + path);
        }
        Path self = Path.of("/proc/self/fd/" + sourceFd);
        long bytes;
        if (blockDevice) {
            if (fileSize.isPresent()) {
                throw new StoreException(path + " is a block device, whose size comes from the device; drop the size");
            }
            bytes = BlockDevices.geometry(sourceFd, path).sizeBytes();
        } else {
            bytes = (Long) Files.getAttribute(self, "unix:size");
            if (fileSize.isPresent() && fileSize.getAsLong() > bytes) {
                Stores.setLength(self, fileSize.getAsLong());
                bytes = fileSize.getAsLong();
            }
        }
        long measured = bytes / SECTOR_SIZE - offsetSectors;
        if (!fixedLength && measured > sectors) {
            sectors = measured;
        }
        return sectors;
    }

    public Path path() {
        return path;
    }

    /**
     * True when {@link #path()} no longer names the file opened: it was deleted, or replaced by
     * another file. False when that cannot be told (the file system has no file keys).
     */
    public boolean sourceGone() {
        if (sourceKey == null) {
            return false;
        }
        try {
            return !sourceKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when {@link Stores#open} created the file: an export with reclaim policy Delete
     * deletes it when it goes away, and only then.
     */
    public boolean created() {
        return created;
    }

    @Override
    public long sectors() {
        return sectors;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public WriteCache writeCache() {
        return writeCache;
    }

    @Override
    public void read(long lba, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        long start = sourcePosition(lba, length);
        locks.lock(start, length, false);
        try {
            long position = start;
            while (dst.hasRemaining()) {
                int n = channelFor(position, dst).read(dst, position);
                if (n < 0) {
                    throw new EOFException("short read: " + path + " ends at byte " + position
                            + ", before the end of the export's window");
                }
                position += n;
            }
        } finally {
            locks.unlock(start, length, false);
        }
    }

    @Override
    public boolean tryReadCached(long lba, ByteBuffer dst) {
        if (cachedReader == null) {
            return false;
        }
        int length = dst.remaining();
        long start = sourcePosition(lba, length);
        // A write in progress on these sectors: the caller hands the read to a thread that may wait.
        if (!locks.tryLockRead(start, length)) {
            return false;
        }
        try {
            return cachedReader.read(dst, start);
        } finally {
            locks.unlock(start, length, false);
        }
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        long seq = writeData(lba, src);
        if (writeCache == WriteCache.OFF) {
            commit.awaitDurable(seq);
        }
    }

    @Override
    public void writeUnflushed(long lba, ByteBuffer src) throws IOException {
        writeData(lba, src);
    }

    /** Copies the sectors into the file; returns the write's group-commit sequence number. */
    private long writeData(long lba, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException("export is read-only: " + path);
        }
        int length = src.remaining();
        long start = sourcePosition(lba, length);
        // Only the copy into the file is exclusive; the flush is shared by every writer.
        locks.lock(start, length, true);
        try {
            long position = start;
            while (src.hasRemaining()) {
                position += channelFor(position, src).write(src, position);
            }
        } finally {
            locks.unlock(start, length, true);
        }
        return commit.completed();
    }

    @Override
    public void flush() throws IOException {
        commit.awaitDurable(commit.lastCompleted());
    }

    /** Closes the channels, then lets the device go: a mount may take it from then on. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (deviceClaim; channel; Closeable source = () -> LibC.Native.LIBC.close(sourceFd)) {
            if (cachedReader != null) {
                cachedReader.close();
            }
            if (directChannel != null) {
                directChannel.close();
            }
        }
    }

    /** Number of flushes (fdatasync) issued so far. */
    public long flushes() {
        return commit.flushes();
    }

    /** Number of writes made durable by those flushes. */
    public long flushedWrites() {
        return commit.flushedWrites();
    }

    /** Byte position in the source of sector {@code lba}, after checking the window. */
    private long sourcePosition(long lba, int bytes) {
        if (bytes % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException(
                    "a transfer of " + bytes + " bytes is not a whole number of 512-byte sectors");
        }
        long count = bytes / SECTOR_SIZE;
        if (lba < 0 || lba > sectors - count) {
            throw new IllegalArgumentException("sectors " + lba + " to " + (lba + count - 1)
                    + " lie outside the export's " + sectors + " sectors");
        }
        return windowStart + lba * SECTOR_SIZE;
    }

    private FileChannel channelFor(long position, ByteBuffer buffer) {
        return directChannel != null && isDirectAligned(position, buffer, directAlignment)
                ? directChannel
                : channel;
    }

    /** Whether an O_DIRECT transfer of {@code buffer} at {@code position} meets the alignment. */
    static boolean isDirectAligned(long position, ByteBuffer buffer, int alignment) {
        return buffer.isDirect()
                && position % alignment == 0
                && buffer.remaining() % alignment == 0
                && buffer.alignmentOffset(buffer.position(), alignment) == 0;
    }
}
