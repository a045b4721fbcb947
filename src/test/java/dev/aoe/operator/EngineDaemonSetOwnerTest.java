package dev.aoe.operator;

import dev.aoe.testing.Exports;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Objects;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The engine DaemonSet is kept on its own trigger, with no export in the cluster: created at start,
 * created again when deleted, its form restored when someone edits it.
 */
@EnableKubernetesMockClient(crud = true)
class EngineDaemonSetOwnerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    KubernetesMockServer server;
    KubernetesClient client;
    private EngineDaemonSetOwner owner;
    private final DaemonSet desired = new EngineDaemonSet(Exports.config()).desired();

    @BeforeEach
    void start() {
        owner = new EngineDaemonSetOwner(client, Exports.config());
        owner.start();
    }

    @AfterEach
    void stop() {
        owner.close();
    }

    private DaemonSet current() {
        return client.apps().daemonSets().inNamespace(Exports.NAMESPACE).withName("aoe-engine").get();
    }

    private void awaitDesired() {
        await().atMost(WAIT).until(() -> current() != null && desired.getSpec().equals(current().getSpec()));
    }

    @Test
    void createdAtStartAndAfterADeletion() {
        awaitDesired();
        String uid = current().getMetadata().getUid();
        client.apps().daemonSets().inNamespace(Exports.NAMESPACE).withName("aoe-engine").delete();
        await().atMost(WAIT).until(() -> current() != null && !uid.equals(current().getMetadata().getUid()));
        awaitDesired();
    }

    @Test
    void anEditedDaemonSetIsRestored() {
        awaitDesired();
        client.apps().daemonSets().inNamespace(Exports.NAMESPACE).withName("aoe-engine").edit(ds -> {
            ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("someone-else:1");
            ds.getMetadata().getAnnotations().put(EngineDaemonSet.SPEC_HASH_ANNOTATION, "edited");
            // The mock server keeps the generation; the API server bumps it on a spec change.
            ds.getMetadata().setGeneration(Objects.requireNonNullElse(ds.getMetadata().getGeneration(), 1L) + 1);
            return ds;
        });
        awaitDesired();
        assertEquals(desired.getMetadata().getAnnotations(), current().getMetadata().getAnnotations());
    }
}
