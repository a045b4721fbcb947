package dev.aoe.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes a TCP port of this JVM's network namespace reachable at 127.0.0.1 inside another one, so
 * that a process run there ({@code ip netns exec}) reaches a server of the test (the fabric8 mock
 * API server) while its raw sockets stay on the namespace's veth end. Bytes are copied as they
 * are, so TLS passes through.
 */
public final class NamespacePortForward implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final ExecutorService copiers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "port-forward");
        t.setDaemon(true);
        return t;
    });

    private NamespacePortForward(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
        copiers.execute(this::acceptLoop);
    }

    /** Listens on a free port of 127.0.0.1 in {@code namespace} (its loopback is brought up). */
    public static NamespacePortForward open(String namespace, int targetPort) throws Exception {
        Ip.run("-n", namespace, "link", "set", "dev", "lo", "up");
        // A socket belongs to the namespace of the thread that creates it.
        ServerSocket listener = NetNs.call(namespace, () -> new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        return new NamespacePortForward(listener, targetPort);
    }

    /** The port to connect to inside the namespace. */
    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket inside = listener.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                copiers.execute(() -> copy(inside, target));
                copiers.execute(() -> copy(target, inside));
            } catch (IOException e) {
                // Closed, or one connection failed: the client sees it and retries.
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The other side went away.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        copiers.shutdownNow();
    }
}
