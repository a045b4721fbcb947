package dev.aoe.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs code inside a named network namespace (one created by {@code ip netns add}) without
 * leaving the JVM. Only the calling thread switches; sockets opened during the call stay in that
 * namespace after it returns, so one JVM can hold sockets in several namespaces. Needs
 * CAP_SYS_ADMIN.
 */
public final class NetNs {
    /** Where {@code ip netns} keeps its namespace handles. */
    private static final List<Path> NAMESPACE_DIRS = List.of(Path.of("/run/netns"), Path.of("/var/run/netns"));
    private static final String THREAD_NAMESPACE = "/proc/thread-self/ns/net";

    private NetNs() {
    }

    /**
     * Calls {@code action} on the current thread inside namespace {@code netnsName}, then moves
     * the thread back to the namespace it was in.
     *
     * @throws NetException if the namespace does not exist or cannot be entered, or if the thread
     *     cannot be moved back (it is then left in {@code netnsName}: do not reuse it)
     * @throws Exception whatever {@code action} throws
     */
    public static <T> T call(String netnsName, Callable<T> action) throws Exception {
        Path target = locate(netnsName);
        int original = openNamespace(THREAD_NAMESPACE);
        try {
            int entered = openNamespace(target.toString());
            try {
                enter(entered, "enter network namespace '" + netnsName + "'");
            } finally {
                Native.LIBC.close(entered);
            }
            try {
                return action.call();
            } finally {
                enter(original, "return from network namespace '" + netnsName + "' to the thread's original one");
            }
        } finally {
            Native.LIBC.close(original);
        }
    }

    private static Path locate(String netnsName) throws NetException {
        if (netnsName.isEmpty() || netnsName.contains("/") || netnsName.equals(".") || netnsName.equals("..")) {
            throw new NetException("invalid network namespace name '" + netnsName + "'");
        }
        for (Path dir : NAMESPACE_DIRS) {
            Path candidate = dir.resolve(netnsName);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new NetException("no network namespace '" + netnsName + "' (see `ip netns list`)");
    }

    private static int openNamespace(String path) throws NetException {
        int fd = Native.LIBC.open(path, LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC);
        if (fd < 0) {
            throw NetException.fromErrno("open " + path, Native.C.errno());
        }
        return fd;
    }

    private static void enter(int namespaceFd, String action) throws NetException {
        if (Native.LIBC.setns(namespaceFd, LinuxConstants.CLONE_NEWNET) < 0) {
            int errno = Native.C.errno();
            if (errno == LinuxConstants.EPERM) {
                throw new NetException(action + ": needs CAP_SYS_ADMIN (run as root)");
            }
            throw NetException.fromErrno(action, errno);
        }
    }
}
