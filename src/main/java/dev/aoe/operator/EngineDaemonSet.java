package dev.aoe.operator;

import dev.aoe.config.AoeConfig;
import dev.aoe.config.EngineSettings;
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
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine DaemonSet's desired form: one engine per node, serving every export bound to it.
 * A function of the operator configuration only, never of the exports, so adding or removing an
 * export never restarts an engine. A hash of the desired spec is kept in an annotation, so that
 * {@link EngineDaemonSetOwner} writes it only when that form changes (the API server's defaulting
 * makes comparing specs field by field unreliable).
 * <p>
 * It asks nothing of the node that Kubernetes does not guarantee everywhere: no mount propagation
 * (which needs the host's mount to be shared); device nodes show through a plain bind mount of /dev.
 */
public final class EngineDaemonSet {
    public static final String SPEC_HASH_ANNOTATION = "aoe.dev/spec-hash";
    static final String CONTAINER = "engine";
    static final String READY_PATH = "/q/health/ready";
    static final String LIVE_PATH = "/q/health/live";
    private static final long TERMINATION_GRACE_SECONDS = 15;
    private static final String DEV = "/dev";
    private static final String DEV_PREFIX = DEV + "/";

    private final AoeConfig config;
    private final AoeConfig.EngineDaemonSet engine;

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

    private List<EnvVar> env() {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());
        EngineSettings.environment(config).forEach((name, value) -> env.add(new EnvVar(name, value, null)));
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
