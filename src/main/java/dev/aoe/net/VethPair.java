package dev.aoe.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A veth pair, the one way this project makes a private link: for the bench (a target process on
 * one end, the load generator on the other), the demo, and the tests. Either each end lives in a
 * network namespace of its own, made with the pair and deleted by {@link #close()} (which removes
 * the veth), or both ends live in the current namespace, which must be a private one (the demo's,
 * made by unshare). Nothing touches a real NIC.
 */
public final class VethPair implements AutoCloseable {
    public static final int DEFAULT_MTU = 1500;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration LINK_UP_TIMEOUT = Duration.ofSeconds(5);
    private static final long CARRIER_POLL_MILLIS = 20;
    private static final String INTERFACE_A = "aoe-a";
    private static final String INTERFACE_B = "aoe-b";

    /** Null: the current namespace. */
    private final String namespaceA;
    private final String namespaceB;
    private final String interfaceA;
    private final String interfaceB;
    private boolean closed;

    private VethPair(String namespaceA, String namespaceB, String interfaceA, String interfaceB) {
        this.namespaceA = namespaceA;
        this.namespaceB = namespaceB;
        this.interfaceA = interfaceA;
        this.interfaceB = interfaceB;
    }

    public static VethPair create() {
        return create(DEFAULT_MTU);
    }

    /** A pair aoe-a/aoe-b in two fresh namespaces with names of their own, {@code mtu} on both ends. */
    public static VethPair create(int mtu) {
        String prefix = "aoet-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        return inNamespaces(prefix + "-a", prefix + "-b", INTERFACE_A, INTERFACE_B, mtu);
    }

    /**
     * Creates namespaces {@code namespaceA} and {@code namespaceB} and the veth between them, up
     * and with carrier; on failure deletes what it made.
     */
    public static VethPair inNamespaces(String namespaceA, String namespaceB, String interfaceA, String interfaceB, int mtu) {
        VethPair pair = new VethPair(namespaceA, namespaceB, interfaceA, interfaceB);
        try {
            Ip.run("netns", "add", namespaceA);
            Ip.run("netns", "add", namespaceB);
            Ip.run("link", "add", interfaceA, "netns", namespaceA, "mtu", Integer.toString(mtu),
                    "type", "veth", "peer", "name", interfaceB, "netns", namespaceB, "mtu", Integer.toString(mtu));
            pair.up();
            return pair;
        } catch (RuntimeException e) {
            pair.closeQuietly(e);
            throw e;
        }
    }

    /** The veth with both ends in the current network namespace, up and with carrier. */
    public static VethPair here(String interfaceA, String interfaceB, int mtu) {
        VethPair pair = new VethPair(null, null, interfaceA, interfaceB);
        try {
            Ip.run("link", "add", interfaceA, "mtu", Integer.toString(mtu),
                    "type", "veth", "peer", "name", interfaceB, "mtu", Integer.toString(mtu));
            pair.up();
            return pair;
        } catch (RuntimeException e) {
            pair.closeQuietly(e);
            throw e;
        }
    }

    /** End A's namespace, or null for the current one. */
    public String namespaceA() {
        return namespaceA;
    }

    /** End B's namespace, or null for the current one. */
    public String namespaceB() {
        return namespaceB;
    }

    public String interfaceA() {
        return interfaceA;
    }

    public String interfaceB() {
        return interfaceB;
    }

    /** Runs {@code action} on this thread inside end A's namespace. */
    public <T> T inA(Callable<T> action) throws Exception {
        return namespaceA == null ? action.call() : NetNs.call(namespaceA, action);
    }

    /** Runs {@code action} on this thread inside end B's namespace. */
    public <T> T inB(Callable<T> action) throws Exception {
        return namespaceB == null ? action.call() : NetNs.call(namespaceB, action);
    }

    /** An AoE raw socket on end A (it stays in namespace A). */
    public RawSocket openA() throws Exception {
        return inA(() -> RawSocket.open(interfaceA));
    }

    /** An AoE raw socket on end B (it stays in namespace B). */
    public RawSocket openB() throws Exception {
        return inB(() -> RawSocket.open(interfaceB));
    }

    /** One-line {@code ip -o link show} output for end A. */
    public String showA() {
        return Ip.run(in(namespaceA, "-o", "link", "show", "dev", interfaceA));
    }

    /** Sets end A's MTU. */
    public void setMtuA(int mtu) {
        Ip.run(in(namespaceA, "link", "set", "dev", interfaceA, "mtu", Integer.toString(mtu)));
    }

    /** Sets the MTU of both ends. */
    public void setMtu(int mtu) {
        setMtuA(mtu);
        Ip.run(in(namespaceB, "link", "set", "dev", interfaceB, "mtu", Integer.toString(mtu)));
    }

    /** Takes end B administratively up or down (end A then gains or loses carrier). */
    public void setUpB(boolean up) {
        Ip.run(in(namespaceB, "link", "set", "dev", interfaceB, up ? "up" : "down"));
    }

    /** {@code ip} arguments, in {@code namespace} when there is one. */
    private static String[] in(String namespace, String... args) {
        List<String> all = new ArrayList<>();
        if (namespace != null) {
            all.addAll(List.of("-n", namespace));
        }
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /**
     * Adds another veth between the pair's two namespaces, {@code interfaceA} in A and {@code
     * interfaceB} in B, up with carrier: a second path between the two (multipath). It goes with
     * the namespaces on {@link #close()}.
     */
    public void addLink(String interfaceA, String interfaceB, int mtu) {
        if (namespaceA == null) {
            throw new IllegalStateException("a second link needs the pair's own namespaces, to go with them");
        }
        Ip.run("link", "add", interfaceA, "netns", namespaceA, "mtu", Integer.toString(mtu),
                "type", "veth", "peer", "name", interfaceB, "netns", namespaceB, "mtu", Integer.toString(mtu));
        up(interfaceA, interfaceB);
    }

    /**
     * Takes {@code interfaceA}, an end in namespace A, administratively up or down; up waits
     * for carrier with its peer {@code interfaceB}.
     */
    public void setUpA(String interfaceA, String interfaceB, boolean up) {
        if (up) {
            up(interfaceA, interfaceB);
        } else {
            Ip.run(in(namespaceA, "link", "set", "dev", interfaceA, "down"));
        }
    }

    private void up() {
        up(interfaceA, interfaceB);
    }

    /** Sets both ends up and waits until both have carrier. */
    private void up(String endA, String endB) {
        Ip.run(in(namespaceA, "link", "set", "dev", endA, "up"));
        Ip.run(in(namespaceB, "link", "set", "dev", endB, "up"));
        long deadline = System.nanoTime() + LINK_UP_TIMEOUT.toNanos();
        while (!Ip.run(in(namespaceA, "-o", "link", "show", "dev", endA)).contains("LOWER_UP")
                || !Ip.run(in(namespaceB, "-o", "link", "show", "dev", endB)).contains("LOWER_UP")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("veth " + endA + "/" + endB + " got no carrier within "
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

    /**
     * Deletes both namespaces (and so the veth), or the veth when its ends are in the current
     * namespace; reports the first failure after trying everything. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (namespaceA == null) {
            if (Ip.run("-o", "link", "show").lines().anyMatch(line -> line.contains(" " + interfaceA + "@"))) {
                Ip.run("link", "del", "dev", interfaceA);
            }
            return;
        }
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

    private void closeQuietly(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "VethPair[" + (namespaceA == null ? "" : namespaceA + "/") + interfaceA + " <-> "
                + (namespaceB == null ? "" : namespaceB + "/") + interfaceB + "]";
    }
}
