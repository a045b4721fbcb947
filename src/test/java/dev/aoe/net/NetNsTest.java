package dev.aoe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Veth;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetNsTest {
    private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");

    @Veth
    VethPair pair;

    private static String currentNamespace() throws Exception {
        return Files.readSymbolicLink(THREAD_NAMESPACE).toString();
    }

    @Test
    void runsInsideTheNamespaceAndReturns() throws Exception {
        String outside = currentNamespace();
        String inside = NetNs.call(pair.namespaceA(), NetNsTest::currentNamespace);
        assertNotEquals(outside, inside);
        assertEquals(inside, NetNs.call(pair.namespaceA(), NetNsTest::currentNamespace));
        assertNotEquals(inside, NetNs.call(pair.namespaceB(), NetNsTest::currentNamespace));
        assertEquals(outside, currentNamespace());
    }

    @Test
    void seesTheNamespacesInterfaces() throws Exception {
        assertTrue(NetNs.call(pair.namespaceA(), () -> RawSocket.open(pair.interfaceA())) != null);
        assertThrows(NetException.class, () -> NetNs.call(pair.namespaceA(), () -> RawSocket.open(pair.interfaceB())));
    }

    @Test
    void restoresTheNamespaceWhenTheActionThrows() throws Exception {
        String outside = currentNamespace();
        IllegalStateException thrown = new IllegalStateException("boom");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> NetNs.call(pair.namespaceA(), () -> {
            throw thrown;
        })));
        assertEquals(outside, currentNamespace());
    }

    @Test
    void missingNamespaceIsNamed() {
        NetException e = assertThrows(NetException.class, () -> NetNs.call("aoet-no-such-ns", () -> null));
        assertEquals("no network namespace 'aoet-no-such-ns' (see `ip netns list`)", e.getMessage());
        assertThrows(NetException.class, () -> NetNs.call("../etc", () -> null));
    }
}
