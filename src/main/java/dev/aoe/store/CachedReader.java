package dev.aoe.store;

import com.kenai.jffi.MemoryIO;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/**
 * Reads that never wait for the disk: {@code preadv2} with {@code RWF_NOWAIT} on a read-only
 * descriptor of the source of its own. The kernel serves such a read from the page cache or
 * fails it at once (EAGAIN), so a thread that must never block (the engine's receive loop) can
 * answer cache hits itself and hand only misses to a thread that may wait.
 */
final class CachedReader implements Closeable {
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

    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private final int fd;
    /** One iovec, reused by every read under this object's lock. */
    private final Pointer iovec = LibC.Native.C.allocate(IOVEC_SIZE);
    /** False once the kernel said it cannot do non-blocking reads on this file: stop asking. */
    private boolean supported = true;
    private boolean closed;

    private CachedReader(int fd) {
        this.fd = fd;
    }

    /**
     * @param file  what to open, {@code /proc/self/fd/N} of the source's descriptor
     * @param shown the source's path, for messages
     */
    static CachedReader open(Path file, Path shown) throws IOException {
        int fd = LibC.Native.LIBC.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new StoreException("open " + shown + " for cached reads failed: "
                    + LibC.Native.C.describe(LibC.Native.C.errno()));
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
        iovec.putAddress(IOV_BASE, MEMORY.getDirectBufferAddress(dst) + dst.position());
        iovec.putLong(IOV_LEN, length);
        long n = LibC.Native.LIBC.preadv2(fd, iovec, 1, position, RWF_NOWAIT);
        if (n == length) {
            dst.position(dst.position() + length);
            return true;
        }
        if (n < 0) {
            int errno = LibC.Native.C.errno();
            supported = errno != EOPNOTSUPP && errno != EINVAL && errno != ENOSYS;
        }
        return false;
    }

    /** Under the same lock as reads, so the descriptor is never closed (and reused) under one. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.Native.LIBC.close(fd);
        }
    }
}
