package dev.aoe.net;

import dev.aoe.sys.CLibrary;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The C library calls this package makes, bound by jnr-ffi (see {@link Native} for the
 * loaded instance). Public only because jnr-ffi implements it in a class loader of its own;
 * callers outside this package should use {@link RawSocket} and {@link NetNs}.
 *
 * <p>Frame data is passed as a raw address ({@code @intptr_t long}, from
 * {@link DirectBuffers#address}) rather than as a {@code ByteBuffer}: jnr-ffi 2.3.4 passes a
 * direct ByteBuffer as its base address <em>plus {@code position()}</em> (verified by
 * {@code LibCTest}), while the socket API addresses frames from index 0 whatever the caller's
 * position. Structs are {@link Pointer}s to memory allocated once per socket.
 *
 * <p>Calls whose failure the caller inspects save errno ({@link SaveError}); calls whose failure
 * cannot be acted on skip it ({@link IgnoreError}).
 */
public interface LibC extends CLibrary.Calls {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, Pointer address, int addressLength);

    @SaveError
    int setsockopt(int fd, int level, int option, Pointer value, int valueLength);

    @SaveError
    int getsockopt(int fd, int level, int option, Pointer value, Pointer valueLength);

    @SaveError
    int ioctl(int fd, long request, Pointer argument);

    @SaveError
    @ssize_t long send(int fd, @intptr_t long buffer, @size_t long length, int flags);

    @SaveError
    @ssize_t long recvfrom(int fd, @intptr_t long buffer, @size_t long length, int flags,
            Pointer sourceAddress, Pointer addressLength);

    @SaveError
    int sendmmsg(int fd, Pointer messages, int count, int flags);

    @SaveError
    int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

    /**
     * Maps a packet ring; returns its address, or -1 (MAP_FAILED). Bound with a Pointer, as
     * jnr-posix binds it: bound with {@code @intptr_t long}s, glibc refused the call (EINVAL)
     * before it reached the kernel.
     */
    @SaveError
    Pointer mmap(Pointer address, @size_t long length, int protection, int flags, int fd, long offset);

    @IgnoreError
    int munmap(@intptr_t long address, @size_t long length);

    @SaveError
    int poll(Pointer fds, long count, int timeoutMillis);

    @SaveError
    int eventfd(int initialValue, int flags);

    @IgnoreError
    @ssize_t long write(int fd, Pointer buffer, @size_t long length);

    @SaveError
    int if_nametoindex(String name);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int namespaceType);

    @IgnoreError
    int close(int fd);
}
