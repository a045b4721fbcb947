package dev.aoe.operator;

import dev.aoe.config.AoeConfig;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The engine DaemonSet the operator owns: one engine per node, serving every export bound to it.
 * Its desired form depends on the operator configuration only, never on the exports, so adding or
 * removing an export never restarts an engine. It is written only when that form changes,
 * detected by a hash of the desired spec kept in an annotation (the API server's defaulting makes
 * comparing specs field by field unreliable).
 * <p>
 * The operator's Deployment owns it, so whatever deletes the operator deletes the engines through
 * the garbage collector: no privileged pod outlives the operator and its RBAC. It asks nothing of
 * the node that Kubernetes does not guarantee everywhere: no mount propagation (which needs the
 * host's mount to be shared); device nodes show through a plain bind mount of /dev.
 */
public final class EngineDaemonSet {
    public static final String SPEC_HASH_ANNOTATION = "aoe.dev/spec-hash";
    static final String CONTAINER = "engine";
    static final String READY_PATH = "/q/health/ready";
    static final String LIVE_PATH = "/q/health/live";
    private static final long TERMINATION_GRACE_SECONDS = 15;
    private static final String DEV = "/dev";
    private static final String DEV_PREFIX = DEV + "/";
    private static final Logger LOG = Logger.getLogger(EngineDaemonSet.class.getName());

    private final AoeConfig config;
    private final AoeConfig.EngineDaemonSet engine;
    /** Set on first use; recomputing it in a race gives the same value. */
    private volatile String desiredHash;
    /** The operator's Deployment, looked up once it exists; it never changes while this operator runs. */
    private volatile OwnerReference owner;
    private final AtomicBoolean warnedNoOwner = new AtomicBoolean();

    public EngineDaemonSet(AoeConfig config) {
        this.config = config;
        this.engine = config.engine();
    }

    /** The labels that select engine pods; fixed, so the selector of an existing DaemonSet stays valid. */
    public Map<String, String> selector() {
        return Map.of("app.kubernetes.io/name", engine.name(), "app.kubernetes.io/component", CONTAINER);
    }

    public String selectorString() {
        return selector().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .reduce((a, b) -> a + "," + b).orElseThrow();
    }

    public DaemonSet desired() {
        return desired(null);
    }

    /** The desired DaemonSet, owned by {@code owner} when there is one. */
    DaemonSet desired(OwnerReference owner) {
        Map<String, String> labels = new LinkedHashMap<>(selector());
        labels.put("app.kubernetes.io/part-of", "aoe-operator");
        labels.put("app.kubernetes.io/managed-by", "aoe-operator");
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        hostPaths(volumes, mounts);
        DaemonSet ds = new DaemonSetBuilder()
                .withNewMetadata().withName(engine.name()).withNamespace(engine.namespace()).withLabels(labels).endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(selector()).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(1)).endRollingUpdate().endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                // AF_PACKET sockets need the host's interfaces.
                .withHostNetwork(true)
                // The engine's stop is bounded at 10 s (EngineAgent): no need to wait the default 30 s.
                .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                .withDnsPolicy("ClusterFirstWithHostNet")
                .withServiceAccountName(engine.serviceAccount())
                .withNodeSelector(nodeSelector())
                .withTolerations(tolerations())
                .withImagePullSecrets(engine.imagePullSecrets().orElse(List.of()).stream()
                        .map(LocalObjectReference::new).toList())
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(engine.image())
                .withImagePullPolicy(engine.imagePullPolicy())
                .withArgs("engine")
                .withEnv(env())
                .addNewPort().withName("http").withContainerPort(engine.port()).withProtocol("TCP").endPort()
                .withNewResources()
                .addToRequests("cpu", new Quantity(engine.cpuRequest()))
                .addToRequests("memory", new Quantity(engine.memoryRequest()))
                .addToLimits("memory", new Quantity(engine.memoryLimit()))
                .endResources()
                .withSecurityContext(securityContext())
                .withVolumeMounts(mounts)
                // Readiness gates the rolling update's next node: probed often, so a node serving
                // again is counted within seconds. A slow boot on a busy node is given two minutes
                // by the startup probe before liveness may restart it.
                .withReadinessProbe(probe(READY_PATH, 2, 3))
                .withStartupProbe(probe(LIVE_PATH, 1, 120))
                .withLivenessProbe(probe(LIVE_PATH, 10, 3))
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        ds.getMetadata().setAnnotations(Map.of(SPEC_HASH_ANNOTATION, hash(ds)));
        if (owner != null) {
            ds.getMetadata().setOwnerReferences(List.of(owner));
        }
        return ds;
    }

    /**
     * Creates the DaemonSet when missing and replaces it when its desired form changed.
     * <p>
     * Exports are reconciled concurrently, and until the informer delivers the DaemonSet one of
     * them created, the others find none in the cache: their creates fail with AlreadyExists,
     * which means it is there. The informer's event then reconciles every export, and the one
     * that finds a DaemonSet of another form replaces it.
     *
     * @param current the DaemonSet as cached, or null when there is none
     */
    public void ensure(KubernetesClient client, DaemonSet current) {
        OwnerReference owner = owner(client);
        if (current == null) {
            try {
                client.apps().daemonSets().inNamespace(engine.namespace()).resource(desired(owner)).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        } else if (!desiredHash().equals(Optional.ofNullable(current.getMetadata().getAnnotations())
                .map(a -> a.get(SPEC_HASH_ANNOTATION)).orElse(null)) || !ownedBy(current, owner)) {
            DaemonSet desired = desired(owner);
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            client.apps().daemonSets().inNamespace(engine.namespace()).resource(desired).update();
        }
    }

    /** Whether {@code ds} names {@code owner} (when there is one) among its owners: one from an older operator may not. */
    private static boolean ownedBy(DaemonSet ds, OwnerReference owner) {
        return owner == null || Optional.ofNullable(ds.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
                .anyMatch(o -> owner.getUid().equals(o.getUid()));
    }

    /**
     * The operator's Deployment as the DaemonSet's owner, or null when none is configured or it
     * does not exist (then the DaemonSet is created without one, and gets it on a later reconcile).
     */
    private OwnerReference owner(KubernetesClient client) {
        OwnerReference known = owner;
        Optional<String> name = engine.ownerDeployment();
        if (known != null || name.isEmpty()) {
            return known;
        }
        Deployment deployment = client.apps().deployments().inNamespace(engine.namespace()).withName(name.get()).get();
        if (deployment == null) {
            if (warnedNoOwner.getAndSet(true)) {
                return null;
            }
            LOG.warning(() -> "no Deployment " + engine.namespace() + "/" + name.get()
                    + " to own the engine DaemonSet; deleting the operator will not delete the engines");
            return null;
        }
        known = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
                .withController(true).build();
        owner = known;
        return known;
    }

    /** The desired form's hash, built once: the configuration does not change while the operator runs. */
    private String desiredHash() {
        String hash = desiredHash;
        if (hash == null) {
            hash = desired().getMetadata().getAnnotations().get(SPEC_HASH_ANNOTATION);
            desiredHash = hash;
        }
        return hash;
    }

    private List<EnvVar> env() {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());
        env.add(new EnvVar("AOE_POLICY_FILE_ROOTS", String.join(",", config.policy().fileRoots()), null));
        env.add(new EnvVar("AOE_POLICY_DEVICE_ROOTS", String.join(",", config.policy().deviceRoots()), null));
        env.add(new EnvVar("AOE_DEFAULT_INTERFACE", config.defaultInterface(), null));
        env.add(new EnvVar("AOE_ENGINE_STATE_DIRECTORY", engine.stateDirectory(), null));
        env.add(new EnvVar("AOE_ENGINE_PORT", Integer.toString(engine.port()), null));
        // Health and metrics are served over HTTP on the engine port; the CLI commands bind no port.
        env.add(new EnvVar("QUARKUS_HTTP_HOST_ENABLED", "true", null));
        env.add(new EnvVar("QUARKUS_HTTP_PORT", Integer.toString(engine.port()), null));
        env.add(new EnvVar("QUARKUS_HTTP_HOST", engine.bindAddress(), null));
        env.addAll(Arrays.asList(Serialization.unmarshal(engine.extraEnv(), EnvVar[].class)));
        return env;
    }

    /**
     * Each allowed root at the same path as on the host, so a spec's path means the same inside
     * the pod. Device roots under /dev are already visible through the /dev mount. A root that a
     * node lacks is created rather than required: a missing directory would keep the engine, and
     * every export on that node, from starting.
     */
    private void hostPaths(List<Volume> volumes, List<VolumeMount> mounts) {
        List<String> fileRoots = config.policy().fileRoots();
        for (int i = 0; i < fileRoots.size(); i++) {
            hostPath(volumes, mounts, "file-root-" + i, fileRoots.get(i), "DirectoryOrCreate");
        }
        List<String> deviceRoots = config.policy().deviceRoots();
        for (int i = 0; i < deviceRoots.size(); i++) {
            if (!deviceRoots.get(i).startsWith(DEV_PREFIX)) {
                hostPath(volumes, mounts, "device-root-" + i, deviceRoots.get(i), "DirectoryOrCreate");
            }
        }
        // A bind mount of the host's devtmpfs: device nodes added later (hot plug) show through it as they are.
        hostPath(volumes, mounts, "dev", DEV, "Directory");
        hostPath(volumes, mounts, "state", engine.stateDirectory(), "DirectoryOrCreate");
        // The root file system is read-only; the JVM and jnr-ffi's native stub need a /tmp.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    }

    private static void hostPath(List<Volume> volumes, List<VolumeMount> mounts, String name, String path, String type) {
        volumes.add(new VolumeBuilder().withName(name).withNewHostPath().withPath(path).withType(type).endHostPath().build());
        mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).build());
    }

    /**
     * Raw sockets need NET_RAW and nothing else. Block devices need more than capabilities give
     * (device cgroup access), so {@code aoe.engine.privileged=true} runs the engine privileged.
     */
    private SecurityContext securityContext() {
        // Root in the container: capabilities are not effective for the image's non-root user.
        SecurityContextBuilder context = new SecurityContextBuilder().withRunAsUser(0L).withReadOnlyRootFilesystem(true);
        if (engine.privileged()) {
            return context.withPrivileged(true).build();
        }
        Capabilities caps = new CapabilitiesBuilder().withAdd("NET_RAW").withDrop("ALL").build();
        return context.withCapabilities(caps).withAllowPrivilegeEscalation(false).build();
    }

    private Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder().withHttpGet(new HTTPGetActionBuilder().withPath(path)
                        .withPort(new IntOrString(engine.port())).build())
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failureThreshold).withTimeoutSeconds(2).build();
    }

    private Map<String, String> nodeSelector() {
        Map<String, String> selector = new LinkedHashMap<>();
        for (String pair : engine.nodeSelector().orElse(List.of())) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("aoe.engine.node-selector entry '" + pair + "' is not key=value");
            }
            selector.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return selector;
    }

    private List<Toleration> tolerations() {
        return Arrays.asList(Serialization.unmarshal(engine.tolerations(), Toleration[].class));
    }

    private static String hash(DaemonSet ds) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(ds.getSpec()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
