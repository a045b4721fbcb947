package dev.aoe.net;

import java.io.IOException;

/** A failure of the kernel's network stack, worded for the person running the engine. */
public class NetException extends IOException {
    private final int errno;

    NetException(String message) {
        this(message, 0);
    }

    private NetException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** "{@code action}: {@code strerror(errno)}", e.g. "bind to eth0: No such device". */
    static NetException fromErrno(String action, int errno) {
        return new NetException(action + ": " + Native.C.describe(errno) + " (errno " + errno + ")", errno);
    }

    static NetException noSuchInterface(String interfaceName) {
        return new NetException("no network interface '" + interfaceName + "' (see `ip link`)", LinuxConstants.ENODEV);
    }

    static NetException needsNetRaw(int errno) {
        return new NetException(
                "opening a raw AoE socket needs CAP_NET_RAW (run as root or grant the capability)", errno);
    }

    /** Whether the interface it concerns does not exist (in this network namespace). */
    public boolean isNoSuchInterface() {
        return errno == LinuxConstants.ENODEV;
    }

    /** The C errno behind this failure, or 0 if it did not come from a system call. */
    public int errno() {
        return errno;
    }
}
