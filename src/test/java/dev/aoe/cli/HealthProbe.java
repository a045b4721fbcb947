package dev.aoe.cli;

import dev.aoe.testing.Command;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kubelet's view of a packaged process: HTTP probes on its health endpoints, and the
 * kubeconfig that points the process at the test's mock API server.
 */
final class HealthProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One answer of an endpoint; status 0 when nothing listened yet. */
    record Answer(int status, String body, long atNanos) {
        boolean ok() {
            return status == 200;
        }
    }

    private final int port;

    HealthProbe(int port) {
        this.port = port;
    }

    /** A port to give the process's HTTP server ({@code QUARKUS_HTTP_PORT}). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    Answer get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), System.nanoTime());
        } catch (IOException e) {
            return new Answer(0, e.toString(), System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    Optional<String> body(String path) {
        Answer a = get(path);
        return a.ok() ? Optional.of(a.body()) : Optional.empty();
    }

    /**
     * Probes {@code path} every 20 ms, as often as a kubelet could, until it answers 200; returns
     * every answer, the 200 last. Fails with the process's output if none comes within {@code wait}.
     */
    List<Answer> untilOk(String path, Command.Background process, Duration wait) throws InterruptedException {
        List<Answer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Answer a = get(path);
            answers.add(a);
            if (a.ok()) {
                return answers;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never answered 200 within " + wait + "; last: " + answers.get(answers.size() - 1)
                + "\nstdout:\n" + process.stdout() + "\nstderr:\n" + process.stderr());
    }

    /** A kubeconfig in {@code dir} for the mock API server at {@code server}. */
    static Path kubeconfig(Path dir, String server, String namespace) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: mock
                  user: {token: mock}
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: %s}
                current-context: mock
                """.formatted(server, namespace));
    }
}
