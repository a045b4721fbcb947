package dev.aoe.store;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Exclusive claims on block devices, one per device for the whole process. A device is opened
 * with {@code O_EXCL} (without {@code O_CREAT}): the kernel then refuses it with EBUSY when it is
 * mounted, used as swap, held by device-mapper or md, or claimed by another exclusive opener,
 * whatever mount namespace that happened in, and while the claim is held a later {@code mount}
 * of the device fails the same way. The mount table the path policy reads for its explanation
 * shows only the engine's own namespace; this is the check that holds everywhere.
 *
 * <p>Exports of one device in this engine share its claim only when every one of them is
 * read-only, as the operator's SourceConflict rule allows; a writable one is refused whatever
 * name it reaches the device by. The claim is released when the last of them closes.
 */
final class DeviceClaims {
    /** By device number; guarded by the class lock. */
    private static final Map<Long, Claim> HELD = new HashMap<>();

    private DeviceClaims() {
    }

    /** One device's exclusive descriptor and how many exports use it. */
    private static final class Claim {
        final int fd;
        final boolean readOnly;
        int users = 1;

        Claim(int fd, boolean readOnly) {
            this.fd = fd;
            this.readOnly = readOnly;
        }
    }

    /**
     * Claims the device open as {@code fd} (device number {@code rdev}) for one export, or
     * refuses it; the returned handle releases this export's share when closed (once).
     *
     * @param path what the export calls the device, for messages
     */
    static synchronized Closeable claim(int fd, long rdev, Path path, boolean readOnly) throws SourceNotAllowedException {
        Claim held = HELD.get(rdev);
        if (held != null) {
            if (!held.readOnly || !readOnly) {
                throw new SourceNotAllowedException(path + " is already served by this engine through another export;"
                        + " exports may share a device only when every one of them is read-only");
            }
            held.users++;
            return release(rdev, held);
        }
        // Through the descriptor, not the path: the device claimed is the one already checked.
        int exclusive = LibC.Native.LIBC.open("/proc/self/fd/" + fd, LibC.O_RDONLY | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        if (exclusive < 0) {
            int errno = LibC.Native.C.errno();
            throw new SourceNotAllowedException(errno == LibC.EBUSY
                    ? path + " is in use: the kernel refused to open it exclusively (EBUSY): it is mounted, swap, held"
                            + " by device-mapper or md, or opened exclusively by another program, on the host or in"
                            + " any container; a device in use cannot be exported"
                    : "exclusive open of " + path + " failed: " + LibC.Native.C.describe(errno));
        }
        Claim claim = new Claim(exclusive, readOnly);
        HELD.put(rdev, claim);
        return release(rdev, claim);
    }

    private static Closeable release(long rdev, Claim claim) {
        return new Closeable() {
            private boolean released;

            @Override
            public void close() {
                synchronized (DeviceClaims.class) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--claim.users == 0) {
                        HELD.remove(rdev);
                        LibC.Native.LIBC.close(claim.fd);
                    }
                }
            }
        };
    }
}
