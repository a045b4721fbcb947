package dev.aoe.bench;

import dev.aoe.net.VethPair;

import java.io.Closeable;

/**
 * The benchmark's link: a {@link VethPair} between two network namespaces of its own, the
 * target's side (end A) and the initiator's side (end B). Nothing reaches the host's network,
 * and deleting the namespaces deletes the link.
 */
public final class BenchLink implements Closeable {
    public static final String TARGET_INTERFACE = "aoeb0";
    public static final String INITIATOR_INTERFACE = "aoeb1";

    private final VethPair pair;

    private BenchLink(VethPair pair) {
        this.pair = pair;
    }

    /** Creates both namespaces and the link; names carry this process's id, so runs never collide. */
    public static BenchLink create() {
        long pid = ProcessHandle.current().pid();
        return new BenchLink(VethPair.inNamespaces("aoe-bench-t" + pid, "aoe-bench-i" + pid,
                TARGET_INTERFACE, INITIATOR_INTERFACE, VethPair.DEFAULT_MTU));
    }

    public String targetNamespace() {
        return pair.namespaceA();
    }

    public String initiatorNamespace() {
        return pair.namespaceB();
    }

    /** Sets the MTU of both ends. */
    public void setMtu(int mtu) {
        pair.setMtu(mtu);
    }

    /** Deletes both namespaces, and with them the link. Idempotent; never throws: it runs on Ctrl-C too. */
    @Override
    public void close() {
        try {
            pair.close();
        } catch (RuntimeException e) {
            System.err.println("aoe bench: warning: " + e.getMessage());
        }
    }
}
