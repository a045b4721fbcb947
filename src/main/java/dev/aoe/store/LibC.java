package dev.aoe.store;

import dev.aoe.sys.CLibrary;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.types.off_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the store makes (opening sources by descriptor, device ioctls, non-blocking
 * reads), and the open flags they use. Only this package's classes call it; the network side
 * has its own interface in {@code dev.aoe.net}, loaded the same way ({@link CLibrary}). Public
 * only because jnr-ffi's generated class, in a class loader of its own, must reach it.
 */
public interface LibC extends CLibrary.Calls {
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    /** With O_CREAT: fail if the name exists (a link included). Alone, on a block device: open it exclusively. */
    int O_EXCL = 0200;
    int O_NOCTTY = 0400;
    /** Never wait in open itself (a FIFO swapped in would block until a writer came). */
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;
    /** Refuse (ELOOP) a symbolic link as the last component; its number differs between x86_64 and aarch64. */
    int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0100000 : 0400000;

    int ENOENT = 2;
    int EEXIST = 17;
    int EBUSY = 16;
    int ELOOP = 40;

    @SaveError
    int open(String path, int flags, int mode);

    @IgnoreError
    int close(int fd);

    @SaveError
    int ioctl(int fd, long request, @Out LongLongByReference value);

    @SaveError
    int ioctl(int fd, long request, @Out IntByReference value);

    @SaveError
    @ssize_t long preadv2(int fd, Pointer iov, int iovcnt, @off_t long offset, int flags);

    /** This package's binding, loaded on first use. */
    final class Native {
        static final CLibrary<LibC> C = CLibrary.load(LibC.class);
        static final LibC LIBC = C.calls();

        private Native() {
        }
    }
}
