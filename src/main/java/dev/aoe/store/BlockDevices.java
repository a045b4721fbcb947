package dev.aoe.store;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/**
 * Reads the geometry of a block device with the ioctls vblade uses. {@code FileChannel.size()}
 * is 0 for a block device, and {@code /sys} may be missing in a container, so we ask the
 * device itself.
 */
final class BlockDevices {
    /** Size in bytes and logical sector size (512, or 4096 on 4Kn media) of a block device. */
    record Geometry(long sizeBytes, int logicalBlockSize) {
    }

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code _IOR(0x12, 114, size_t)}: the size in bytes, as a u64. */
    private static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: the logical sector size, as an int. */
    private static final long BLKSSZGET = 0x1268L;

    /** The subset of libc we need; declared here so only this class touches native code. */
    public interface LibC {
        @SaveError
        int open(String path, int flags);

        int close(int fd);

        @SaveError
        int ioctl(int fd, long request, @Out LongLongByReference value);

        @SaveError
        int ioctl(int fd, long request, @Out IntByReference value);

        String strerror(int errno);
    }

    /** Loaded on first use: jnr-ffi costs a few hundred milliseconds, files never need it. */
    private static final class Native {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private BlockDevices() {
    }

    static Geometry geometry(Path device) throws IOException {
        LibC libc = Native.LIBC;
        int fd = libc.open(device.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw failure("open", device);
        }
        try {
            LongLongByReference size = new LongLongByReference();
            if (libc.ioctl(fd, BLKGETSIZE64, size) < 0) {
                throw failure("ioctl BLKGETSIZE64", device);
            }
            IntByReference sectorSize = new IntByReference();
            if (libc.ioctl(fd, BLKSSZGET, sectorSize) < 0) {
                throw failure("ioctl BLKSSZGET", device);
            }
            return new Geometry(size.longValue(), sectorSize.intValue());
        } finally {
            libc.close(fd);
        }
    }

    private static StoreException failure(String call, Path device) {
        int errno = LastError.getLastError(Native.RUNTIME);
        return new StoreException(call + " on " + device + " failed: " + Native.LIBC.strerror(errno));
    }
}
