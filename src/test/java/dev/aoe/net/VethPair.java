package dev.aoe.net;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two fresh network namespaces joined by a veth pair, for tests that put an AoE target on one
 * end and an initiator on the other inside one JVM. Nothing touches a real NIC: each end lives in
 * its own namespace, and {@link #close()} deletes both namespaces, which removes the veth.
 * Needs {@link Privileges#assumeNetworkNamespaces()}.
 */
public final class VethPair implements AutoCloseable {
    public static final int DEFAULT_MTU = 1500;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration LINK_UP_TIMEOUT = Duration.ofSeconds(5);
    private static final long CARRIER_POLL_MILLIS = 20;
    private static final String INTERFACE_A = "aoe-a";
    private static final String INTERFACE_B = "aoe-b";

    private final String namespaceA;
    private final String namespaceB;

    private VethPair(String prefix) {
        namespaceA = prefix + "-a";
        namespaceB = prefix + "-b";
    }

    public static VethPair create() {
        return create(DEFAULT_MTU);
    }

    /** Creates the namespaces and the veth with {@code mtu} on both ends, up and with carrier. */
    public static VethPair create(int mtu) {
        VethPair pair = new VethPair("aoet-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        try {
            Ip.run("netns", "add", pair.namespaceA);
            Ip.run("netns", "add", pair.namespaceB);
            Ip.run("link", "add", INTERFACE_A, "netns", pair.namespaceA, "mtu", Integer.toString(mtu),
                    "type", "veth", "peer", "name", INTERFACE_B, "netns", pair.namespaceB, "mtu", Integer.toString(mtu));
            Ip.run("-n", pair.namespaceA, "link", "set", "dev", INTERFACE_A, "up");
            Ip.run("-n", pair.namespaceB, "link", "set", "dev", INTERFACE_B, "up");
            pair.awaitCarrier(INTERFACE_A, INTERFACE_B);
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    public String namespaceA() {
        return namespaceA;
    }

    public String namespaceB() {
        return namespaceB;
    }

    public String interfaceA() {
        return INTERFACE_A;
    }

    public String interfaceB() {
        return INTERFACE_B;
    }

    /** Runs {@code action} on this thread inside namespace A. */
    public <T> T inA(Callable<T> action) throws Exception {
        return NetNs.call(namespaceA, action);
    }

    /** Runs {@code action} on this thread inside namespace B. */
    public <T> T inB(Callable<T> action) throws Exception {
        return NetNs.call(namespaceB, action);
    }

    /** An AoE raw socket on end A (it stays in namespace A). */
    public RawSocket openA() throws Exception {
        return inA(() -> RawSocket.open(INTERFACE_A));
    }

    /** An AoE raw socket on end B (it stays in namespace B). */
    public RawSocket openB() throws Exception {
        return inB(() -> RawSocket.open(INTERFACE_B));
    }

    /** One-line {@code ip -o link show} output for end A. */
    public String showA() {
        return Ip.run("-o", "-n", namespaceA, "link", "show", "dev", INTERFACE_A);
    }

    /** Sets end A's MTU. */
    public void setMtuA(int mtu) {
        Ip.run("-n", namespaceA, "link", "set", "dev", INTERFACE_A, "mtu", Integer.toString(mtu));
    }

    /** Takes end B administratively up or down (end A then gains or loses carrier). */
    public void setUpB(boolean up) {
        Ip.run("-n", namespaceB, "link", "set", "dev", INTERFACE_B, up ? "up" : "down");
    }

    /**
     * Adds another veth between the same two namespaces, {@code interfaceA} in A and {@code
     * interfaceB} in B, up with carrier: a second path between the two (multipath).
     */
    public void addLink(String interfaceA, String interfaceB, int mtu) {
        Ip.run("link", "add", interfaceA, "netns", namespaceA, "mtu", Integer.toString(mtu),
                "type", "veth", "peer", "name", interfaceB, "netns", namespaceB, "mtu", Integer.toString(mtu));
        Ip.run("-n", namespaceA, "link", "set", "dev", interfaceA, "up");
        Ip.run("-n", namespaceB, "link", "set", "dev", interfaceB, "up");
        awaitCarrier(interfaceA, interfaceB);
    }

    /**
     * Takes {@code interfaceA}, an end in namespace A, administratively up or down; up waits
     * for carrier with its peer {@code interfaceB}.
     */
    public void setUpA(String interfaceA, String interfaceB, boolean up) {
        Ip.run("-n", namespaceA, "link", "set", "dev", interfaceA, up ? "up" : "down");
        if (up) {
            awaitCarrier(interfaceA, interfaceB);
        }
    }

    private void awaitCarrier(String interfaceA, String interfaceB) {
        long deadline = System.nanoTime() + LINK_UP_TIMEOUT.toNanos();
        while (!Ip.run("-o", "-n", namespaceA, "link", "show", "dev", interfaceA).contains("LOWER_UP")
                || !Ip.run("-o", "-n", namespaceB, "link", "show", "dev", interfaceB).contains("LOWER_UP")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("veth " + interfaceA + "/" + interfaceB + " got no carrier within "
                        + LINK_UP_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(CARRIER_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for carrier on " + this, e);
            }
        }
    }

    /** Deletes both namespaces (and so the veth); reports the first failure after trying both. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (String namespace : new String[] {namespaceA, namespaceB}) {
            try {
                if (Ip.run("netns", "list").lines().anyMatch(line -> line.split(" ")[0].equals(namespace))) {
                    Ip.run("netns", "del", namespace);
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "VethPair[" + namespaceA + "/" + INTERFACE_A + " <-> " + namespaceB + "/" + INTERFACE_B + "]";
    }
}
