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
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
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

/**
 * The engine DaemonSet the operator owns: one engine per node, serving every export bound to it.
 * Its desired form depends on the operator configuration only, never on the exports, so adding or
 * removing an export never restarts an engine. It is written only when that form changes,
 * detected by a hash of the desired spec kept in an annotation (the API server's defaulting makes
 * comparing specs field by field unreliable).
 */
public final class EngineDaemonSet {
    public static final String SPEC_HASH_ANNOTATION = "aoe.dev/spec-hash";
    static final String CONTAINER = "engine";
    static final String READY_PATH = "/q/health/ready";
    static final String LIVE_PATH = "/q/health/live";
    private static final String DEV = "/dev";
    private static final String DEV_PREFIX = DEV + "/";

    private final AoeConfig config;
    private final AoeConfig.EngineDaemonSet engine;
    /** Set on first use; recomputing it in a race gives the same value. */
    private volatile String desiredHash;

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
                .withReadinessProbe(probe(READY_PATH))
                .withLivenessProbe(probe(LIVE_PATH))
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        ds.getMetadata().setAnnotations(Map.of(SPEC_HASH_ANNOTATION, hash(ds)));
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
        if (current == null) {
            try {
                client.apps().daemonSets().inNamespace(engine.namespace()).resource(desired()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        } else if (!desiredHash().equals(Optional.ofNullable(current.getMetadata().getAnnotations())
                .map(a -> a.get(SPEC_HASH_ANNOTATION)).orElse(null))) {
            DaemonSet desired = desired();
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            client.apps().daemonSets().inNamespace(engine.namespace()).resource(desired).update();
        }
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
     * the pod. Device roots under /dev are already visible through the /dev mount.
     */
    private void hostPaths(List<Volume> volumes, List<VolumeMount> mounts) {
        List<String> fileRoots = config.policy().fileRoots();
        for (int i = 0; i < fileRoots.size(); i++) {
            hostPath(volumes, mounts, "file-root-" + i, fileRoots.get(i), "DirectoryOrCreate", null);
        }
        List<String> deviceRoots = config.policy().deviceRoots();
        for (int i = 0; i < deviceRoots.size(); i++) {
            if (!deviceRoots.get(i).startsWith(DEV_PREFIX)) {
                hostPath(volumes, mounts, "device-root-" + i, deviceRoots.get(i), "Directory", "HostToContainer");
            }
        }
        // Devices that appear after the pod started (hot plug) show up through propagation.
        hostPath(volumes, mounts, "dev", DEV, "Directory", "HostToContainer");
        hostPath(volumes, mounts, "state", engine.stateDirectory(), "DirectoryOrCreate", null);
        // The root file system is read-only; the JVM and jnr-ffi's native stub need a /tmp.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    }

    private static void hostPath(List<Volume> volumes, List<VolumeMount> mounts, String name, String path, String type,
                                 String propagation) {
        volumes.add(new VolumeBuilder().withName(name).withNewHostPath().withPath(path).withType(type).endHostPath().build());
        mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).withMountPropagation(propagation).build());
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

    private Probe probe(String path) {
        return new ProbeBuilder().withHttpGet(new HTTPGetActionBuilder().withPath(path)
                        .withPort(new IntOrString(engine.port())).build())
                .withPeriodSeconds(10).withFailureThreshold(3).withTimeoutSeconds(2).build();
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
