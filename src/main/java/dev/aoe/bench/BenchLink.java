package dev.aoe.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Two network namespaces of the benchmark's own joined by a veth pair: the target's side and
 * the initiator's side. Nothing reaches the host's network, and deleting the namespaces
 * deletes the link.
 */
public final class BenchLink implements Closeable {
    public static final String TARGET_INTERFACE = "aoeb0";
    public static final String INITIATOR_INTERFACE = "aoeb1";

    private final String targetNamespace;
    private final String initiatorNamespace;
    private boolean closed;

    private BenchLink(String targetNamespace, String initiatorNamespace) {
        this.targetNamespace = targetNamespace;
        this.initiatorNamespace = initiatorNamespace;
    }

    /** Creates both namespaces and the link; names carry this process's id, so runs never collide. */
    public static BenchLink create() throws IOException {
        long pid = ProcessHandle.current().pid();
        BenchLink link = new BenchLink("aoe-bench-t" + pid, "aoe-bench-i" + pid);
        try {
            Commands.run("ip", "netns", "add", link.targetNamespace);
            Commands.run("ip", "netns", "add", link.initiatorNamespace);
            Commands.run("ip", "-n", link.targetNamespace, "link", "add", TARGET_INTERFACE, "type", "veth",
                    "peer", "name", INITIATOR_INTERFACE, "netns", link.initiatorNamespace);
            Commands.run("ip", "-n", link.targetNamespace, "link", "set", TARGET_INTERFACE, "up");
            Commands.run("ip", "-n", link.initiatorNamespace, "link", "set", INITIATOR_INTERFACE, "up");
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    public String targetNamespace() {
        return targetNamespace;
    }

    public String initiatorNamespace() {
        return initiatorNamespace;
    }

    /** Sets the MTU of both ends. */
    public void setMtu(int mtu) throws IOException {
        Commands.run("ip", "-n", targetNamespace, "link", "set", TARGET_INTERFACE, "mtu", String.valueOf(mtu));
        Commands.run("ip", "-n", initiatorNamespace, "link", "set", INITIATOR_INTERFACE, "mtu", String.valueOf(mtu));
    }

    /** Deletes both namespaces, and with them the link. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : List.of(initiatorNamespace, targetNamespace)) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                Commands.runQuietly("ip", "netns", "delete", ns);
            }
        }
    }
}
