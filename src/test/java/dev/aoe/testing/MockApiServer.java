package dev.aoe.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fabric8 CRUD mock API server with faults ({@link FaultInjectingDispatcher}), started for each
 * test (or once for the class, from a static field), with the clients and operators the test
 * starts on it. Afterwards the operators stop first, then the clients close, then the server.
 * <pre>{@code
 * @RegisterExtension
 * final MockApiServer apiServer = new MockApiServer();
 * }</pre>
 */
public final class MockApiServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final FaultInjectingDispatcher api = new FaultInjectingDispatcher();
    private final List<Operator> operators = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesMockServer server;
    private KubernetesClient client;
    private boolean perClass;

    /**
     * A client of {@code base}'s server for an operator. With {@code retries} false the client
     * does not retry 5xx answers and I/O errors itself, so faults reach the operator's own retry.
     */
    public static KubernetesClient operatorClient(KubernetesClient base, boolean retries, Duration requestTimeout) {
        Config config = new ConfigBuilder(base.getConfiguration())
                .withRequestRetryBackoffLimit(retries ? Config.DEFAULT_REQUEST_RETRY_BACKOFFLIMIT : 0)
                .withRequestTimeout((int) requestTimeout.toMillis())
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The dispatcher: its faults and the requests it saw. */
    public FaultInjectingDispatcher api() {
        return api;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** The test's own client (retrying, default timeouts). */
    public KubernetesClient client() {
        return client;
    }

    /** An {@link #operatorClient} of this server, closed after the test. */
    public KubernetesClient operatorClient(boolean retries, Duration requestTimeout) {
        return closeLater(operatorClient(client, retries, requestTimeout));
    }

    /** A client closed after the test, after the operators stop. */
    public KubernetesClient closeLater(KubernetesClient c) {
        clients.add(c);
        return c;
    }

    /** An operator stopped after the test unless the test stops it first with {@link #stop}. */
    public Operator stopLater(Operator operator) {
        operators.add(operator);
        return operator;
    }

    /** Stops an operator now (a crash or a planned stop in the middle of the test). */
    public void stop(Operator operator) {
        operators.remove(operator);
        operator.stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        shutDown();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            shutDown();
        }
    }

    private void start() {
        server = FaultInjectingDispatcher.server(api);
        client = server.createClient();
    }

    private void shutDown() {
        try {
            operators.forEach(Operator::stop);
            clients.forEach(KubernetesClient::close);
            client.close();
        } finally {
            operators.clear();
            clients.clear();
            server.destroy();
        }
    }
}
