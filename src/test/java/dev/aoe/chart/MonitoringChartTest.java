package dev.aoe.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.aoe.config.AoeConfig;
import dev.aoe.operator.EngineDaemonSet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.aoe.chart.Charts.NAMESPACE;
import static dev.aoe.chart.Charts.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's monitoring and logging switches: the engine PodMonitor, the operator ServiceMonitor
 * and the Grafana dashboard ConfigMap render only when enabled, select what the operator really
 * creates, and lint strictly either way; logging.json reaches the operator and the engines.
 */
class MonitoringChartTest {
    private static final Map<String, Object> ALL_ON = Map.of("metrics.podMonitor.enabled", true,
            "metrics.serviceMonitor.enabled", true, "metrics.dashboard.enabled", true, "logging.json", true);
    private static final String JSON_LOGS = "QUARKUS_LOG_CONSOLE_JSON_ENABLED";

    @Test
    void nothingByDefault() {
        List<HasMetadata> objects = Charts.parse(Charts.render(Map.of()));
        assertTrue(objects.stream().noneMatch(o -> Stream.of("PodMonitor", "ServiceMonitor", "ConfigMap")
                .anyMatch(o.getKind()::equals)), "monitoring objects rendered by default");
        Container operator = ChartTest.operatorContainer(objects);
        assertNull(ChartTest.env(operator).get(JSON_LOGS));
        assertEquals("[]", ChartTest.env(operator).get("AOE_ENGINE_EXTRA_ENV"));
    }

    /** The PodMonitor selects the pods the operator's DaemonSet makes, by their port name. */
    @Test
    void podMonitorScrapesTheEnginePodsTheOperatorCreates() {
        List<HasMetadata> objects = Charts.parse(Charts.render(Map.of("metrics.podMonitor.enabled", true,
                "metrics.podMonitor.interval", "10s", "metrics.podMonitor.labels.release", "kube-prometheus")));
        GenericKubernetesResource pm = one(objects, GenericKubernetesResource.class, "aoe-engine");
        assertEquals("PodMonitor", pm.getKind());
        assertEquals("monitoring.coreos.com/v1", pm.getApiVersion());
        assertEquals(NAMESPACE, pm.getMetadata().getNamespace());
        assertEquals("kube-prometheus", pm.getMetadata().getLabels().get("release"));

        EngineDaemonSet engine = new EngineDaemonSet(new SmallRyeConfigBuilder().withMapping(AoeConfig.class)
                .withDefaultValue("aoe.engine.namespace", NAMESPACE).build().getConfigMapping(AoeConfig.class));
        var pod = engine.desired().getSpec().getTemplate();
        assertEquals(engine.selector(), pm.get("spec", "selector", "matchLabels"));
        assertTrue(pod.getMetadata().getLabels().entrySet().containsAll(engine.selector().entrySet()));
        assertEquals(List.of(NAMESPACE), pm.get("spec", "namespaceSelector", "matchNames"));

        Map<String, Object> endpoint = pm.<List<Map<String, Object>>>get("spec", "podMetricsEndpoints").get(0);
        ContainerPort http = pod.getSpec().getContainers().get(0).getPorts().get(0);
        assertEquals(http.getName(), endpoint.get("port"));
        assertTrue(pod.getSpec().getHostNetwork(), "the target is the node's address");
        assertEquals("/q/metrics", endpoint.get("path"));
        assertEquals("10s", endpoint.get("interval"));
        assertEquals(List.of(Map.of("sourceLabels", List.of("__meta_kubernetes_pod_node_name"),
                "targetLabel", "node", "action", "replace")), endpoint.get("relabelings"));
    }

    @Test
    void dashboardConfigMapCarriesTheDashboardForTheSidecar() throws IOException {
        List<HasMetadata> objects = Charts.parse(Charts.render(Map.of("metrics.dashboard.enabled", true,
                "metrics.dashboard.annotations.grafana_folder", "Storage")));
        ConfigMap cm = one(objects, ConfigMap.class, "aoe-operator-dashboard");
        assertEquals(NAMESPACE, cm.getMetadata().getNamespace());
        assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals("Storage", cm.getMetadata().getAnnotations().get("grafana_folder"));
        String json = cm.getData().get("aoe-operator.json");
        assertEquals(new ObjectMapper().readTree(DashboardMetrics.DASHBOARD.toFile()), new ObjectMapper().readTree(json));

        ConfigMap elsewhere = one(Charts.parse(Charts.render(Map.of("metrics.dashboard.enabled", true,
                "metrics.dashboard.namespace", "monitoring"))), ConfigMap.class, "aoe-operator-dashboard");
        assertEquals("monitoring", elsewhere.getMetadata().getNamespace());
    }

    @Test
    void jsonLogsReachTheOperatorAndTheEnginesBeforeTheirExtraEnv() {
        List<HasMetadata> objects = Charts.parse(Charts.render(Map.of("logging.json", true,
                "engine.extraEnv[0].name", "JAVA_TOOL_OPTIONS", "engine.extraEnv[0].value", "-Xmx384m")));
        Map<String, String> env = ChartTest.env(ChartTest.operatorContainer(objects));
        assertEquals("true", env.get(JSON_LOGS));
        assertEquals("[{\"name\":\"" + JSON_LOGS + "\",\"value\":\"true\"},{\"name\":\"JAVA_TOOL_OPTIONS\",\"value\":\"-Xmx384m\"}]",
                env.get("AOE_ENGINE_EXTRA_ENV"));
        one(objects, Deployment.class, "aoe-operator");
    }

    @Test
    void lintsStrictlyWithEverythingOn(@TempDir Path dir) throws IOException {
        Path chart = copyChart(dir);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        @SuppressWarnings("unchecked")
        Map<String, Object> values = yaml.readValue(chart.resolve("values.yaml").toFile(), Map.class);
        ALL_ON.forEach((key, value) -> set(values, key, value));
        yaml.writeValue(chart.resolve("values.yaml").toFile(), values);

        LintResult lint = new Helm(chart).lint().strict().call();
        assertFalse(lint.isFailed(), String.valueOf(lint.getMessages()));
        List<HasMetadata> objects = Charts.parse(new Helm(chart).template().withName(Charts.RELEASE)
                .withNamespace(NAMESPACE).withKubeVersion(Charts.KUBE_VERSION).call());
        assertEquals(List.of("ConfigMap", "PodMonitor", "ServiceMonitor"), objects.stream().map(HasMetadata::getKind)
                .filter(k -> List.of("ConfigMap", "PodMonitor", "ServiceMonitor").contains(k)).sorted().toList());
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> values, String dotted, Object value) {
        String[] keys = dotted.split("\\.");
        Map<String, Object> map = values;
        for (int i = 0; i < keys.length - 1; i++) {
            map = (Map<String, Object>) map.get(keys[i]);
        }
        assertTrue(map.containsKey(keys[keys.length - 1]), dotted + " is not in values.yaml");
        map.put(keys[keys.length - 1], value);
    }

    private static Path copyChart(Path dir) throws IOException {
        Path target = dir.resolve("aoe-operator");
        try (Stream<Path> files = Files.walk(Charts.CHART)) {
            for (Path f : files.toList()) {
                Path to = target.resolve(Charts.CHART.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return target;
    }
}
