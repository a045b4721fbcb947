package dev.aoe.net;

import jnr.ffi.Pointer;

/**
 * Waits in {@code poll()} until a socket is readable, a timeout expires, or {@link #wake()} is
 * called. Linux does not wake a thread blocked in {@code recv} when another thread closes the
 * socket, so close() signals an eventfd that every wait also polls. Not safe for concurrent
 * {@link #await} calls; {@link #wake()} may be called from any thread.
 */
final class ReadableWait {
    enum Outcome { READABLE, TIMED_OUT, WOKEN }

    static final int NO_TIMEOUT = -1;
    /** {@code struct pollfd}: int fd, short events, short revents. */
    private static final int POLLFD_SIZE = 8;
    private static final int EVENTS = 4;
    private static final int REVENTS = 6;
    private static final int SOCKET_SLOT = 0;
    private static final int WAKE_SLOT = POLLFD_SIZE;
    private static final int EVENTFD_COUNTER_SIZE = 8;

    private final int eventFd;
    private final Pointer pollFds = Native.C.allocate(2 * POLLFD_SIZE);
    private final Pointer wakeIncrement = Native.C.allocate(EVENTFD_COUNTER_SIZE);

    private ReadableWait(int socketFd, int eventFd) {
        this.eventFd = eventFd;
        pollFds.putInt(SOCKET_SLOT, socketFd);
        pollFds.putShort(SOCKET_SLOT + EVENTS, LinuxConstants.POLLIN);
        pollFds.putInt(WAKE_SLOT, eventFd);
        pollFds.putShort(WAKE_SLOT + EVENTS, LinuxConstants.POLLIN);
        wakeIncrement.putLong(0, 1);
    }

    static ReadableWait create(int socketFd) throws NetException {
        int eventFd = Native.LIBC.eventfd(0, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
        if (eventFd < 0) {
            throw NetException.fromErrno("create an eventfd", Native.C.errno());
        }
        return new ReadableWait(socketFd, eventFd);
    }

    /**
     * Waits up to {@code timeoutMillis} ({@link #NO_TIMEOUT} for ever). An interrupted poll
     * (EINTR) counts as READABLE: the caller's receive then finds nothing and waits again.
     */
    Outcome await(int timeoutMillis) throws NetException {
        int ready = Native.LIBC.poll(pollFds, 2, timeoutMillis);
        if (ready < 0) {
            int errno = Native.C.errno();
            if (errno == LinuxConstants.EINTR) {
                return Outcome.READABLE;
            }
            throw NetException.fromErrno("poll a raw socket", errno);
        }
        if (ready == 0) {
            return Outcome.TIMED_OUT;
        }
        // The eventfd is never read, so once woken every later wait returns at once.
        return pollFds.getShort(WAKE_SLOT + REVENTS) != 0 ? Outcome.WOKEN : Outcome.READABLE;
    }

    void wake() {
        Native.LIBC.write(eventFd, wakeIncrement, EVENTFD_COUNTER_SIZE);
    }

    void close() {
        Native.LIBC.close(eventFd);
    }
}
