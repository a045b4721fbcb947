package dev.aoe.operator;

import dev.aoe.testing.Exports;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineDaemonSetTest {
    private static DaemonSet desired(Map<String, String> config) {
        return new EngineDaemonSet(Exports.config(config)).desired();
    }

    @Test
    void theEnginePodTemplate() {
        DaemonSet ds = desired(Map.of("aoe.policy.file-roots", "/var/lib/aoe,/srv/aoe",
                "aoe.policy.device-roots", "/dev/disk/by-id,/mnt/devices", "aoe.engine.node-selector", "aoe=true",
                "aoe.engine.image", "registry.local/aoe-operator:1.0", "aoe.default-interface", "eth1"));
        assertEquals("aoe-engine", ds.getMetadata().getName());
        assertEquals(Exports.NAMESPACE, ds.getMetadata().getNamespace());
        assertEquals("RollingUpdate", ds.getSpec().getUpdateStrategy().getType());
        assertEquals(ds.getSpec().getSelector().getMatchLabels().entrySet().stream()
                        .filter(e -> ds.getSpec().getTemplate().getMetadata().getLabels().get(e.getKey()).equals(e.getValue()))
                        .count(), ds.getSpec().getSelector().getMatchLabels().size());
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostNetwork());
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
        assertEquals("aoe-engine", pod.getServiceAccountName());
        assertEquals(Map.of("aoe", "true"), pod.getNodeSelector());
        assertTrue(pod.getTolerations().isEmpty(), "no tolerations unless configured");
        Container c = pod.getContainers().get(0);
        assertEquals("registry.local/aoe-operator:1.0", c.getImage());
        assertEquals("IfNotPresent", c.getImagePullPolicy());
        assertEquals(List.of("engine"), c.getArgs());
        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("spec.nodeName", env.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("/var/lib/aoe,/srv/aoe", env.get("AOE_POLICY_FILE_ROOTS").getValue());
        assertEquals("/dev/disk/by-id,/mnt/devices", env.get("AOE_POLICY_DEVICE_ROOTS").getValue());
        assertEquals("eth1", env.get("AOE_DEFAULT_INTERFACE").getValue());
        assertEquals("/var/lib/aoe-operator", env.get("AOE_ENGINE_STATE_DIRECTORY").getValue());
        assertEquals("9460", env.get("AOE_ENGINE_PORT").getValue());
        assertEquals("9460", env.get("QUARKUS_HTTP_PORT").getValue());
        assertEquals("true", env.get("QUARKUS_HTTP_HOST_ENABLED").getValue());
        assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST").getValue());
        assertEquals(0L, c.getSecurityContext().getRunAsUser());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("NET_RAW"), c.getSecurityContext().getCapabilities().getAdd());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertNull(c.getSecurityContext().getPrivileged());
        assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(9460, c.getLivenessProbe().getHttpGet().getPort().getIntVal());
        // A rolling restart moves to the next node once this one is Ready again: probed every 2 s.
        assertEquals(2, c.getReadinessProbe().getPeriodSeconds());
        assertEquals("/q/health/live", c.getStartupProbe().getHttpGet().getPath());
        assertTrue(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold() >= 60,
                "a slow start is not killed by liveness");
        assertEquals(15L, pod.getTerminationGracePeriodSeconds());
        assertEquals("128Mi", c.getResources().getRequests().get("memory").toString());
        assertEquals("512Mi", c.getResources().getLimits().get("memory").toString());
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(v -> v.getHostPath().getPath(), v -> v.getHostPath().getType()));
        // /dev/disk/by-id is reached through /dev.
        assertEquals(Map.of("/var/lib/aoe", "DirectoryOrCreate", "/srv/aoe", "DirectoryOrCreate",
                "/mnt/devices", "DirectoryOrCreate", "/dev", "Directory", "/var/lib/aoe-operator", "DirectoryOrCreate"), hostPaths);
        assertEquals(pod.getVolumes().stream().map(Volume::getName).toList(),
                c.getVolumeMounts().stream().map(m -> m.getName()).toList());
        // Mount propagation needs the host's mount to be shared, which not every node has
        // ("path /dev is mounted on /dev but it is not a shared or slave mount"); device nodes need none.
        assertEquals(List.of(), c.getVolumeMounts().stream().filter(m -> m.getMountPropagation() != null)
                .map(m -> m.getMountPath() + " " + m.getMountPropagation()).toList());
    }

    @Test
    void privilegedForBlockDevices() {
        Container c = desired(Map.of("aoe.engine.privileged", "true")).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(c.getSecurityContext().getPrivileged());
        assertNull(c.getSecurityContext().getCapabilities());
    }

    @Test
    void theHashFollowsTheConfigurationOnly() {
        String hash = desired(Map.of()).getMetadata().getAnnotations().get(EngineDaemonSet.SPEC_HASH_ANNOTATION);
        assertEquals(hash, desired(Map.of()).getMetadata().getAnnotations().get(EngineDaemonSet.SPEC_HASH_ANNOTATION));
        assertNotEquals(hash, desired(Map.of("aoe.engine.image", "other:2"))
                .getMetadata().getAnnotations().get(EngineDaemonSet.SPEC_HASH_ANNOTATION));
    }

    @Test
    void chartSettingsReachThePods() {
        PodSpec pod = desired(Map.of(
                "aoe.engine.tolerations", "[{\"operator\":\"Exists\"}]",
                "aoe.engine.image-pull-secrets", "regcred,other",
                "aoe.engine.bind-address", "10.0.0.5",
                "aoe.engine.extra-env", "[{\"name\":\"JAVA_TOOL_OPTIONS\",\"value\":\"-Xmx384m\"},"
                        + "{\"name\":\"QUARKUS_HTTP_PORT\",\"value\":\"9999\"}]"))
                .getSpec().getTemplate().getSpec();
        assertEquals("Exists", pod.getTolerations().get(0).getOperator());
        assertEquals(List.of("regcred", "other"), pod.getImagePullSecrets().stream().map(r -> r.getName()).toList());
        List<EnvVar> env = pod.getContainers().get(0).getEnv();
        assertEquals("10.0.0.5", env.stream().filter(e -> e.getName().equals("QUARKUS_HTTP_HOST")).findFirst()
                .orElseThrow().getValue());
        // Extra variables come last, so they win over the operator's own.
        assertEquals("QUARKUS_HTTP_PORT", env.get(env.size() - 1).getName());
        assertEquals("JAVA_TOOL_OPTIONS", env.get(env.size() - 2).getName());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null && v.getName().equals("tmp")));
    }
}
