package dev.aoe.operator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The operator's own Deployment, as the owner of what the operator creates in its namespace (the
 * engine DaemonSet, the address table): the garbage collector deletes them with it, so an
 * uninstall leaves nothing behind. No {@code blockOwnerDeletion}: that would need permission on
 * the Deployment's finalizers.
 */
final class OperatorDeployment {
    private static final Logger LOG = Logger.getLogger(OperatorDeployment.class.getName());

    private final String namespace;
    private final Optional<String> name;
    private final AtomicBoolean warnedMissing = new AtomicBoolean();
    /** Looked up once it exists; it never changes while this operator runs. */
    private volatile OwnerReference known;

    /** @param name the Deployment's name, empty when the operator runs outside one (tests, a laptop) */
    OperatorDeployment(String namespace, Optional<String> name) {
        this.namespace = namespace;
        this.name = name;
    }

    /**
     * The Deployment as an owner reference, or null when none is configured or it does not exist
     * yet (then what is created goes without one, and gets it on a later write).
     */
    OwnerReference ownerReference(KubernetesClient client) {
        OwnerReference owner = known;
        if (owner != null || name.isEmpty()) {
            return owner;
        }
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name.get()).get();
        if (deployment == null) {
            if (!warnedMissing.getAndSet(true)) {
                LOG.warning(() -> "no Deployment " + namespace + "/" + name.get() + " to own the engine DaemonSet and"
                        + " the address table; deleting the operator will not delete them");
            }
            return null;
        }
        owner = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
                .withController(true).build();
        known = owner;
        return owner;
    }
}
