package dev.aoe.store;

import com.kenai.jffi.MemoryIO;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.ssize_t;

/**
 * Reads that never wait for the disk: {@code preadv2} with {@code RWF_NOWAIT} on a read-only
 * descriptor of the source of its own. The kernel serves such a read from the page cache or
 * fails it at once (EAGAIN), so a thread that must never block (the engine's receive loop) can
 * answer cache hits itself and hand only misses to a thread that may wait.
 */
final class CachedReader implements Closeable {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** preadv2 flag: fail with EAGAIN instead of waiting for I/O (Linux 4.14+). */
    private static final int RWF_NOWAIT = 0x8;
    /** errno values saying the kernel or file system cannot read without waiting at all. */
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;
    /** {@code struct iovec}: void *iov_base, size_t iov_len (LP64). */
    private static final int IOVEC_SIZE = 16;
    private static final int IOV_BASE = 0;
    private static final int IOV_LEN = 8;

    /** The subset of libc this class needs; declared here so only this class touches native code. */
    public interface LibC {
        @SaveError
        int open(String path, int flags);

        @SaveError
        @ssize_t long preadv2(int fd, Pointer iov, int iovcnt, @off_t long offset, int flags);

        @IgnoreError
        int close(int fd);

        String strerror(int errno);
    }

    /** Loaded on first use: jnr-ffi costs a few hundred milliseconds. */
    private static final class Native {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
        static final MemoryIO MEMORY = MemoryIO.getInstance();
    }

    private final int fd;
    /** One iovec, reused by every read under this object's lock. */
    private final Pointer iovec = Memory.allocateDirect(Native.RUNTIME, IOVEC_SIZE, true);
    /** False once the kernel said it cannot do non-blocking reads on this file: stop asking. */
    private boolean supported = true;
    private boolean closed;

    private CachedReader(int fd) {
        this.fd = fd;
    }

    static CachedReader open(Path path) throws IOException {
        int fd = Native.LIBC.open(path.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int errno = LastError.getLastError(Native.RUNTIME);
            throw new StoreException("open " + path + " for cached reads failed: " + Native.LIBC.strerror(errno));
        }
        return new CachedReader(fd);
    }

    /**
     * Fills {@code dst}'s remaining bytes from byte {@code position} of the file, advancing its
     * position, if the page cache holds all of them; otherwise returns false with the position
     * unchanged. Heap buffers, short reads and errors all return false: the caller's blocking
     * read then does the work and reports any error.
     */
    synchronized boolean read(ByteBuffer dst, long position) {
        if (closed || !supported || !dst.isDirect()) {
            return false;
        }
        int length = dst.remaining();
        iovec.putAddress(IOV_BASE, Native.MEMORY.getDirectBufferAddress(dst) + dst.position());
        iovec.putLong(IOV_LEN, length);
        long n = Native.LIBC.preadv2(fd, iovec, 1, position, RWF_NOWAIT);
        if (n == length) {
            dst.position(dst.position() + length);
            return true;
        }
        if (n < 0) {
            int errno = LastError.getLastError(Native.RUNTIME);
            supported = errno != EOPNOTSUPP && errno != EINVAL && errno != ENOSYS;
        }
        return false;
    }

    /** Under the same lock as reads, so the descriptor is never closed (and reused) under one. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Native.LIBC.close(fd);
        }
    }
}
