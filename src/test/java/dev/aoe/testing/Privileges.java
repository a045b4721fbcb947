package dev.aoe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.net.Ip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one place tests check what this host lets them do: network namespaces and raw sockets, root,
 * and the system tools they run.
 */
public final class Privileges {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final int CAP_SYS_ADMIN = 21;
    private static final String REASON = "needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW) and the `ip` tool"
            + " for network namespaces, veth pairs and raw sockets";

    private Privileges() {
    }

    /** Skips the calling test, saying why, unless it may create namespaces, veths and raw sockets. */
    public static void assumeNetworkNamespaces() {
        assumeTrue(hasCapabilities() && ipTool().isPresent(), REASON);
    }

    /** Whether this process runs as root (effective user id 0). */
    public static boolean isRoot() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")[2]) // Uid: real, effective, saved, file system
                    .anyMatch("0"::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the tool {@code name} is installed (on PATH or in the system directories). */
    public static boolean hasCommand(String name) {
        return executable(name).isPresent();
    }

    /** The {@code ip} executable from iproute2, if installed. */
    static Optional<Path> ipTool() {
        return executable("ip");
    }

    /** The executable {@code name} on PATH or in the system directories, if installed. */
    public static Optional<Path> executable(String name) {
        return Ip.executable(name);
    }

    private static boolean hasCapabilities() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            long effective = lines.filter(line -> line.startsWith("CapEff:"))
                    .map(line -> Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16))
                    .findFirst()
                    .orElse(0L);
            long needed = 1L << CAP_NET_ADMIN | 1L << CAP_NET_RAW | 1L << CAP_SYS_ADMIN;
            return (effective & needed) == needed;
        } catch (IOException e) {
            return false;
        }
    }
}
