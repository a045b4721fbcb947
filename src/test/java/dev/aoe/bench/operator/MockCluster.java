package dev.aoe.bench.operator;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A simulated cluster: the fabric8 mock API server in CRUD mode, in this JVM (as the operator
 * tests run it), with the AoeExport CRD and nodes that each run a Ready engine pod.
 */
final class MockCluster implements AutoCloseable {
    /** The mock server logs every request at INFO: thousands of lines, and CPU taken from the operator. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockCluster(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** What {@code @EnableKubernetesMockClient(crud = true)} sets up. */
    static MockCluster start() {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        var responses = new HashMap<ServerRequest, Queue<ServerResponse>>();
        var server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        return new MockCluster(server);
    }

    /** Requests the API server received so far, from every client. */
    int requestCount() {
        return server.getRequestCount();
    }

    KubernetesClient client() {
        return client;
    }

    void registerCrd(Path crd) throws IOException {
        try (InputStream in = Files.newInputStream(crd)) {
            client.apiextensions().v1().customResourceDefinitions()
                    .resource(Serialization.unmarshal(in, CustomResourceDefinition.class)).create();
        }
    }

    /** A node and, in {@code namespace}, an engine pod on it with {@code engineLabels}, Ready. */
    void readyNode(String name, String namespace, Map<String, String> engineLabels) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName("aoe-engine-" + name).withNamespace(namespace).withLabels(engineLabels).endMetadata()
                .withNewSpec().withNodeName(name).addNewContainer().withName("engine").withImage("aoe").endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
