package dev.aoe.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Opens a {@link StoreSpec}: finds out what the source is, creates or grows a file when asked,
 * checks the window against the source's size, and opens the channels.
 */
public final class Stores {
    /** File type bits of {@code st_mode}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    /** A created image holds a disk's data: readable by its owner only. */
    private static final String CREATED_FILE_PERMISSIONS = "rw-------";

    private Stores() {
    }

    /**
     * Opens the source of {@code spec}. A missing file is created sparse when
     * {@link StoreSpec#createSize()} is given ({@link FileStore#created()} then says so), an
     * existing smaller file is grown to it, a larger one is left alone.
     *
     * @throws StoreException the source is missing, of the wrong kind, smaller than the window,
     *                        or its file system does not support O_DIRECT; nothing was created
     * @throws IOException    the file system failed
     */
    public static FileStore open(StoreSpec spec) throws IOException {
        Path path = spec.path();
        Source source = probe(spec);
        long sourceBytes = source.blockDevice()
                ? source.bytes()
                : Math.max(source.bytes(), spec.createSize().orElse(0));
        long sectors = windowSectors(spec, sourceBytes / BlockStore.SECTOR_SIZE);

        boolean created = !source.exists();
        if (created) {
            create(path, sourceBytes);
        } else if (source.bytes() < sourceBytes) {
            setLength(path, sourceBytes);
        }
        try {
            return openChannels(spec, sectors, created, source.logicalBlockSize());
        } catch (IOException | RuntimeException e) {
            if (created) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
    }

    /** What is at a source's path: its current size, and the sector size its device uses. */
    private record Source(boolean exists, boolean blockDevice, long bytes, int logicalBlockSize) {
    }

    private static Source probe(StoreSpec spec) throws IOException {
        Path path = spec.path();
        Integer mode = fileMode(path);
        if (mode == null) {
            if (spec.createSize().isEmpty()) {
                throw new StoreException(path + " does not exist; pass a size to create it");
            }
            return new Source(false, false, 0, BlockStore.SECTOR_SIZE);
        }
        switch (mode & S_IFMT) {
            case S_IFREG:
                return new Source(true, false, Files.size(path), BlockStore.SECTOR_SIZE);
            case S_IFBLK:
                if (spec.createSize().isPresent()) {
                    throw new StoreException(
                            path + " is a block device, whose size comes from the device; drop the size");
                }
                BlockDevices.Geometry geometry = BlockDevices.geometry(path);
                return new Source(true, true, geometry.sizeBytes(), geometry.logicalBlockSize());
            case S_IFDIR:
                throw new StoreException(path + " is a directory; a source is a regular file or a block device");
            default:
                throw new StoreException(path + " is neither a regular file nor a block device");
        }
    }

    /** Whether {@code path} (links followed) is a block device. */
    public static boolean isBlockDevice(Path path) throws IOException {
        Integer mode = fileMode(path);
        return mode != null && (mode & S_IFMT) == S_IFBLK;
    }

    /** The {@code st_mode} of {@code path} (following links), or null when it does not exist. */
    private static Integer fileMode(Path path) throws IOException {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Checks the window against a source of {@code sourceSectors}; returns its length. */
    private static long windowSectors(StoreSpec spec, long sourceSectors) throws StoreException {
        long offset = spec.offsetSectors();
        if (spec.lengthSectors().isPresent()) {
            long length = spec.lengthSectors().getAsLong();
            if (length > sourceSectors - offset) {
                throw new StoreException("offset " + offset + " + length " + length
                        + " sectors exceeds the source's " + sourceSectors + " sectors (" + spec.path() + ")");
            }
            return length;
        }
        if (offset >= sourceSectors) {
            throw new StoreException("offset " + offset + " sectors leaves nothing of the source's "
                    + sourceSectors + " sectors (" + spec.path() + ")");
        }
        return sourceSectors - offset;
    }

    private static void create(Path path, long bytes) throws IOException {
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(CREATED_FILE_PERMISSIONS)));
        } catch (NoSuchFileException e) {
            throw new StoreException("cannot create " + path + ": its directory does not exist", e);
        }
        try {
            setLength(path, bytes);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Extends a regular file with ftruncate, which allocates no blocks (the file stays sparse). */
    private static void setLength(Path path, long bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(bytes);
        }
    }

    private static FileStore openChannels(StoreSpec spec, long sectors, boolean created, int logicalBlockSize)
            throws IOException {
        Path path = spec.path();
        OpenOption[] options = spec.readOnly()
                ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel channel = FileChannel.open(path, options);
        try {
            // Right after the open, so it names the file opened (for telling a deleted source).
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            if (!spec.direct()) {
                return new FileStore(spec, sectors, created, channel, null, 0, CachedReader.open(path), key);
            }
            FileChannel direct = openDirect(path, options);
            int alignment = Math.max(logicalBlockSize, (int) Files.getFileStore(path).getBlockSize());
            return new FileStore(spec, sectors, created, channel, direct, alignment, null, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens a second, O_DIRECT channel; the buffered one opened, so a failure here is O_DIRECT's. */
    private static FileChannel openDirect(Path path, OpenOption[] options) throws IOException {
        OpenOption[] directOptions = Arrays.copyOf(options, options.length + 1);
        directOptions[options.length] = ExtendedOpenOption.DIRECT;
        try {
            return FileChannel.open(path, directOptions);
        } catch (IOException e) {
            throw new StoreException("O_DIRECT is not supported by the file system of " + path
                    + " (" + e.getMessage() + "): open it without direct I/O (drop -d)", e);
        }
    }
}
