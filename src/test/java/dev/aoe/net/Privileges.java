package dev.aoe.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The one place tests check whether they may create network namespaces and raw sockets. */
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
