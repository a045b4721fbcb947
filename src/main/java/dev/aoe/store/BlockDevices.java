package dev.aoe.store;

import java.nio.file.Path;
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

    /** {@code _IOR(0x12, 114, size_t)}: the size in bytes, as a u64. */
    private static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: the logical sector size, as an int. */
    private static final long BLKSSZGET = 0x1268L;

    private BlockDevices() {
    }

    /** The geometry of the device open as {@code fd}; {@code device} names it in messages. */
    static Geometry geometry(int fd, Path device) throws StoreException {
        LibC libc = LibC.Native.LIBC;
        LongLongByReference size = new LongLongByReference();
        if (libc.ioctl(fd, BLKGETSIZE64, size) < 0) {
            throw failure("ioctl BLKGETSIZE64", device);
        }
        IntByReference sectorSize = new IntByReference();
        if (libc.ioctl(fd, BLKSSZGET, sectorSize) < 0) {
            throw failure("ioctl BLKSSZGET", device);
        }
        return new Geometry(size.longValue(), sectorSize.intValue());
    }

    private static StoreException failure(String call, Path device) {
        return new StoreException(call + " on " + device + " failed: " + LibC.Native.C.describe(LibC.Native.C.errno()));
    }
}
