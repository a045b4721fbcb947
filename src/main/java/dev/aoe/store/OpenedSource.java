package dev.aoe.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A source opened by descriptor and checked on that descriptor against its {@link SourceRule}:
 * its kind and size come from {@code /proc/self/fd/N} (stat of it is fstat of the descriptor),
 * and the store's channels are opened through that same link, which reaches the open file
 * itself, never a name. So a path swapped between the policy's check and the open changes
 * nothing: what is served is what was checked. A block device is claimed exclusively
 * ({@link DeviceClaims}) before anything is served from it.
 *
 * <p>Closing closes the descriptor and releases the claim, unless whoever took them
 * ({@link #takeDescriptor}, {@link #takeClaim}) has them now.
 */
final class OpenedSource implements Closeable {
    /** File type bits of {@code st_mode}. */
    static final int S_IFMT = 0170000;
    static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    /** A created image holds a disk's data: readable by its owner only. */
    private static final int CREATED_FILE_MODE = 0600;

    /** The descriptor, or -1 once taken by the store ({@link #takeDescriptor}). */
    private int fd;
    private final boolean created;
    private final boolean blockDevice;
    private final long bytes;
    private final int logicalBlockSize;
    private Closeable claim;

    private OpenedSource(int fd, boolean created, boolean blockDevice, long bytes, int logicalBlockSize) {
        this.fd = fd;
        this.created = created;
        this.blockDevice = blockDevice;
        this.bytes = bytes;
        this.logicalBlockSize = logicalBlockSize;
    }

    /**
     * Opens the source of {@code spec}, creating a missing file (empty, mode 0600) when the spec
     * gives a size, and checks the descriptor.
     *
     * @throws SourceNotAllowedException the rule refuses what was opened, or a device is in use;
     *                                   a file created here is removed again
     * @throws StoreException            the source is missing or of a kind no source can be
     */
    static OpenedSource open(StoreSpec spec) throws IOException {
        Path path = spec.path();
        boolean file = spec.rule().kind() == SourceRule.Kind.FILE;
        int noFollow = file ? LibC.O_NOFOLLOW : 0;
        LibC libc = LibC.Native.LIBC;
        boolean created = false;
        int fd = libc.open(path.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_CLOEXEC | noFollow, 0);
        if (fd < 0 && LibC.Native.C.errno() == LibC.ENOENT && spec.createSize().isPresent()) {
            // O_CREAT | O_EXCL never follows a link, dangling ones included.
            fd = libc.open(path.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, CREATED_FILE_MODE);
            if (fd < 0) {
                int errno = LibC.Native.C.errno();
                throw new StoreException("cannot create " + path + ": " + (errno == LibC.ENOENT
                        ? "its directory does not exist" : LibC.Native.C.describe(errno)));
            }
            created = true;
        } else if (fd < 0) {
            int errno = LibC.Native.C.errno();
            if (errno == LibC.ENOENT) {
                throw new StoreException(path + " does not exist; pass a size to create it");
            }
            if (errno == LibC.ELOOP && file) {
                throw new SourceNotAllowedException(path + " is a symbolic link: a file source must name the file"
                        + " itself (the engine does not follow a link there)");
            }
            throw new StoreException("open " + path + " failed: " + LibC.Native.C.describe(errno));
        }
        try {
            return inspect(spec, fd, created);
        } catch (IOException | RuntimeException e) {
            if (created) {
                deleteCreated(fd, path);
            }
            libc.close(fd);
            throw e;
        }
    }

    private static OpenedSource inspect(StoreSpec spec, int fd, boolean created) throws IOException {
        Path path = spec.path();
        SourceRule rule = spec.rule();
        Path self = descriptorPath(fd);
        Map<String, Object> stat = Files.readAttributes(self, "unix:mode,rdev,size");
        int type = (Integer) stat.get("mode") & S_IFMT;
        if (type == S_IFREG && rule.kind() != SourceRule.Kind.DEVICE) {
            if (rule.kind() == SourceRule.Kind.FILE) {
                Path real = Files.readSymbolicLink(self);
                if (!rule.allows(real)) {
                    throw new SourceNotAllowedException(path + " opened " + real + ", which is outside the allowed file roots "
                            + rule.fileRoots() + " (a directory on the way leads elsewhere)");
                }
            }
            return new OpenedSource(fd, created, false, (Long) stat.get("size"), BlockStore.SECTOR_SIZE);
        }
        if (type == S_IFBLK && rule.kind() != SourceRule.Kind.FILE) {
            if (spec.createSize().isPresent()) {
                throw new StoreException(path + " is a block device, whose size comes from the device; drop the size");
            }
            BlockDevices.Geometry geometry = BlockDevices.geometry(fd, path);
            OpenedSource source = new OpenedSource(fd, false, true, geometry.sizeBytes(), geometry.logicalBlockSize());
            source.claim = DeviceClaims.claim(fd, (Long) stat.get("rdev"), path, spec.readOnly());
            return source;
        }
        switch (rule.kind()) {
            case FILE:
                throw new SourceNotAllowedException(path + " is not a regular file (a file source must be one;"
                        + " use a device source for block devices)");
            case DEVICE:
                throw new SourceNotAllowedException(path + " is not a block device");
            default:
                throw new StoreException(path + (type == S_IFDIR
                        ? " is a directory; a source is a regular file or a block device"
                        : " is neither a regular file nor a block device"));
        }
    }

    /** Removes a file created here, where it really is: a swapped directory may have led it elsewhere. */
    private static void deleteCreated(int fd, Path path) throws IOException {
        Path real;
        try {
            real = Files.readSymbolicLink(descriptorPath(fd));
        } catch (IOException e) {
            real = path;
        }
        Files.deleteIfExists(real);
    }

    /** Undoes the creation, when this open created the file; for a failure after the open. */
    void deleteIfCreated(Path path) throws IOException {
        if (created) {
            deleteCreated(fd, path);
        }
    }

    private static Path descriptorPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** The open file itself, for opening it again (with other flags) or asking about it. */
    Path descriptorPath() {
        return descriptorPath(fd);
    }

    boolean created() {
        return created;
    }

    boolean blockDevice() {
        return blockDevice;
    }

    /** Its size when opened. */
    long bytes() {
        return bytes;
    }

    /** The sector size of its device: 512, or 4096 on 4Kn media. */
    int logicalBlockSize() {
        return logicalBlockSize;
    }

    /** The device's exclusive claim, now the caller's to release; null for a file. */
    Closeable takeClaim() {
        Closeable taken = claim;
        claim = null;
        return taken;
    }

    /**
     * The descriptor, now the caller's to close: a store keeps it to measure the source again
     * (and to grow a file) through the very file checked here.
     */
    int takeDescriptor() {
        int taken = fd;
        fd = -1;
        return taken;
    }

    @Override
    public void close() throws IOException {
        if (fd >= 0) {
            LibC.Native.LIBC.close(fd);
        }
        if (claim != null) {
            claim.close();
        }
    }
}
