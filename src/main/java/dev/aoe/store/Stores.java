package dev.aoe.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Opens a {@link StoreSpec}: opens the source by descriptor and checks what was opened
 * ({@link OpenedSource}), creates or grows a file when asked, checks the window against the
 * source's size, and opens the channels through the descriptor, so they reach the file checked.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * Opens the source of {@code spec}. A missing file is created sparse when
     * {@link StoreSpec#createSize()} is given ({@link FileStore#created()} then says so), an
     * existing smaller file is grown to it, a larger one is left alone. A block device is held
     * exclusively until the store is closed.
     *
     * @throws SourceNotAllowedException the source is not what its rule allows, or is a device in use
     * @throws StoreException            the source is missing, of the wrong kind, smaller than the
     *                                   window, or its file system does not support O_DIRECT;
     *                                   nothing was created
     * @throws IOException               the file system failed
     */
    public static FileStore open(StoreSpec spec) throws IOException {
        try (OpenedSource source = OpenedSource.open(spec)) {
            try {
                long sourceBytes = source.blockDevice()
                        ? source.bytes()
                        : Math.max(source.bytes(), spec.createSize().orElse(0));
                long sectors = windowSectors(spec, sourceBytes / BlockStore.SECTOR_SIZE);
                if (source.bytes() < sourceBytes) {
                    setLength(source.descriptorPath(), sourceBytes);
                }
                return openChannels(spec, source, sectors);
            } catch (IOException | RuntimeException e) {
                source.deleteIfCreated(spec.path());
                throw e;
            }
        }
    }

    /** Whether {@code path} (links followed) is a block device. */
    public static boolean isBlockDevice(Path path) throws IOException {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode") & OpenedSource.S_IFMT) == OpenedSource.S_IFBLK;
        } catch (NoSuchFileException e) {
            return false;
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

    /** Extends a regular file with ftruncate, which allocates no blocks (the file stays sparse). */
    static void setLength(Path path, long bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(bytes);
        }
    }

    private static FileStore openChannels(StoreSpec spec, OpenedSource source, long sectors) throws IOException {
        Path file = source.descriptorPath();
        OpenOption[] options = spec.readOnly()
                ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel channel = FileChannel.open(file, options);
        FileChannel direct = null;
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (!spec.direct()) {
                CachedReader reader = CachedReader.open(file, spec.path());
                return new FileStore(spec, sectors, source.created(), channel, null, 0, reader, key,
                        source.blockDevice(), source.takeDescriptor(), source.takeClaim());
            }
            direct = openDirect(file, spec.path(), options);
            int alignment = Math.max(source.logicalBlockSize(), (int) Files.getFileStore(file).getBlockSize());
            return new FileStore(spec, sectors, source.created(), channel, direct, alignment, null, key,
                    source.blockDevice(), source.takeDescriptor(), source.takeClaim());
        } catch (IOException | RuntimeException e) {
            try (Closeable closing = direct) {
                channel.close();
            }
            throw e;
        }
    }

    /** Opens a second, O_DIRECT channel; the buffered one opened, so a failure here is O_DIRECT's. */
    private static FileChannel openDirect(Path file, Path shown, OpenOption[] options) throws IOException {
        OpenOption[] directOptions = Arrays.copyOf(options, options.length + 1);
        directOptions[options.length] = ExtendedOpenOption.DIRECT;
        try {
            return FileChannel.open(file, directOptions);
        } catch (IOException e) {
            throw new StoreException("O_DIRECT is not supported by the file system of " + shown
                    + " (" + e.getMessage() + "): open it without direct I/O (drop -d)", e);
        }
    }
}
