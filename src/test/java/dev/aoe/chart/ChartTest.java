package dev.aoe.chart;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.aoe.chart.Charts.NAMESPACE;
import static dev.aoe.chart.Charts.one;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Helm chart: lint, what it renders with default and other values, what its schema refuses. */
class ChartTest {
    static List<HasMetadata> defaults;
    static List<HasMetadata> custom;

    @BeforeAll
    static void render() {
        defaults = Charts.parse(Charts.render(Map.of()));
        custom = Charts.parse(Charts.render(t -> t.withValuesFile(
                Charts.PROJECT.resolve("src/test/resources/chart/custom-values.yaml"))));
    }

    @Test
    void lintsStrictly() {
        LintResult lint = Charts.helm().lint().strict().call();
        assertFalse(lint.isFailed(), String.valueOf(lint.getMessages()));
    }

    @Test
    void defaultsRenderTheOperatorAndItsRbacOnly() {
        assertEquals(List.of(
                        "ClusterRole/aoe-engine", "ClusterRole/aoe-operator",
                        "ClusterRoleBinding/aoe-engine", "ClusterRoleBinding/aoe-operator",
                        "Deployment/aoe-operator", "Role/aoe-operator", "RoleBinding/aoe-operator",
                        "Service/aoe-operator-metrics",
                        "ServiceAccount/aoe-engine", "ServiceAccount/aoe-operator"),
                defaults.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList(),
                "no Namespace, no ServiceMonitor, and no DaemonSet: the operator creates that one");
        defaults.stream().filter(o -> !o.getKind().startsWith("Cluster"))
                .forEach(o -> assertEquals(NAMESPACE, o.getMetadata().getNamespace(), o.getKind()));
    }

    @Test
    void operatorRbacIsExactlyWhatItNeeds() {
        assertEquals(List.of(
                        rule("aoe.dev", "aoeexports", "get", "list", "watch", "patch"),
                        rule("aoe.dev", "aoeexports/status", "patch"),
                        rule("", "nodes", "list", "watch"),
                        rule("", "events", "create")),
                rules(one(defaults, ClusterRole.class, "aoe-operator").getRules()));
        assertEquals(List.of(
                        rule("", "pods", "list", "watch"),
                        rule("apps", "daemonsets", "list", "watch", "create", "update"),
                        rule("apps", "deployments[aoe-operator]", "get"),
                        rule("", "events", "list"),
                        rule("coordination.k8s.io", "leases[aoe-operator]", "get", "update", "patch"),
                        rule("coordination.k8s.io", "leases", "create"),
                        rule("", "configmaps[aoe-addresses]", "get", "update"),
                        rule("", "configmaps", "create")),
                rules(one(defaults, Role.class, "aoe-operator").getRules()));
        ClusterRoleBinding crb = one(defaults, ClusterRoleBinding.class, "aoe-operator");
        assertEquals("aoe-operator", crb.getRoleRef().getName());
        assertSubject(crb.getSubjects(), "aoe-operator");
        RoleBinding rb = one(defaults, RoleBinding.class, "aoe-operator");
        assertEquals("Role", rb.getRoleRef().getKind());
        assertSubject(rb.getSubjects(), "aoe-operator");
    }

    @Test
    void engineRbacOnlyReadsExportsAndPatchesThem() {
        assertEquals(List.of(
                        rule("aoe.dev", "aoeexports", "get", "list", "watch", "patch"),
                        rule("aoe.dev", "aoeexports/status", "patch")),
                rules(one(defaults, ClusterRole.class, "aoe-engine").getRules()));
        ClusterRoleBinding crb = one(defaults, ClusterRoleBinding.class, "aoe-engine");
        assertEquals("aoe-engine", crb.getRoleRef().getName());
        assertSubject(crb.getSubjects(), "aoe-engine");
        one(defaults, ServiceAccount.class, "aoe-engine");
        assertTrue(defaults.stream().noneMatch(o -> o instanceof Role && o.getMetadata().getName().contains("engine")));
    }

    @Test
    void noWildcardAnywhere() {
        for (List<HasMetadata> objects : List.of(defaults, custom)) {
            Stream.concat(objects.stream().filter(ClusterRole.class::isInstance).flatMap(r -> ((ClusterRole) r).getRules().stream()),
                            objects.stream().filter(Role.class::isInstance).flatMap(r -> ((Role) r).getRules().stream()))
                    .forEach(r -> Stream.of(r.getApiGroups(), r.getResources(), r.getVerbs(), r.getResourceNames(), r.getNonResourceURLs())
                            .flatMap(List::stream).forEach(s -> assertFalse(s.contains("*"), "wildcard in " + r)));
        }
    }

    @Test
    void operatorPodIsLockedDown() {
        PodSpec pod = one(defaults, Deployment.class, "aoe-operator").getSpec().getTemplate().getSpec();
        assertEquals("aoe-operator", pod.getServiceAccountName());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertNull(pod.getHostNetwork());
        Container c = operatorContainer(defaults);
        var sc = c.getSecurityContext();
        assertTrue(sc.getRunAsNonRoot());
        assertTrue(sc.getReadOnlyRootFilesystem());
        assertFalse(sc.getAllowPrivilegeEscalation());
        assertNull(sc.getPrivileged());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
        assertEquals("/tmp", c.getVolumeMounts().get(0).getMountPath(), "a writable /tmp on a read-only root");
    }

    @Test
    void operatorContainerRunsTheOperatorWithProbesAndResources() {
        Deployment d = one(defaults, Deployment.class, "aoe-operator");
        assertEquals(1, d.getSpec().getReplicas());
        Container c = operatorContainer(defaults);
        assertEquals("aoe-operator:0.1.0", c.getImage(), "tag defaults to the chart's appVersion");
        assertEquals("IfNotPresent", c.getImagePullPolicy());
        assertEquals(List.of("operator"), c.getArgs());
        assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the image's entrypoint runs quarkus-run.jar");
        assertEquals(8080, c.getPorts().get(0).getContainerPort());
        assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", c.getStartupProbe().getHttpGet().getPath());
        assertEquals(new Quantity("100m"), c.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("256Mi"), c.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("512Mi"), c.getResources().getLimits().get("memory"));
        Service svc = one(defaults, Service.class, "aoe-operator-metrics");
        assertEquals(d.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
        assertEquals("http", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    }

    /**
     * helm uninstall deletes the chart's objects, not the engine DaemonSet the operator created: a
     * real cluster's garbage collector removes it only through its owner, the operator's
     * Deployment. So the operator must be told the name the chart gives its Deployment, and be
     * allowed to read that one Deployment.
     */
    @Test
    void theOperatorKnowsItsOwnDeploymentToOwnTheEngines() {
        Deployment d = one(defaults, Deployment.class, "aoe-operator");
        String owner = env(d.getSpec().getTemplate().getSpec().getContainers().get(0)).get("AOE_ENGINE_OWNER_DEPLOYMENT");
        assertEquals(d.getMetadata().getName(), owner);
        Role role = one(defaults, Role.class, "aoe-operator");
        PolicyRule read = role.getRules().stream().filter(r -> r.getResources().contains("deployments")).findFirst()
                .orElseThrow();
        assertEquals(List.of(owner), read.getResourceNames(), "only its own Deployment");
        assertEquals(List.of("get"), read.getVerbs());
    }

    @Test
    void defaultValuesReachTheOperatorAsEnvironment() {
        Map<String, String> env = env(operatorContainer(defaults));
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("AOE_POLICY_FILE_ROOTS", "/var/lib/aoe"),
                Map.entry("AOE_POLICY_DEVICE_ROOTS", "/dev/disk/by-id"),
                Map.entry("AOE_DEFAULT_INTERFACE", "eth0"),
                Map.entry("AOE_ADDRESS_POOL_SHELVES", "100-109"),
                Map.entry("AOE_ADDRESS_POOL_SLOTS", "0-254"),
                Map.entry("QUARKUS_HTTP_HOST_ENABLED", "true"),
                Map.entry("AOE_ENGINE_NAMESPACE", NAMESPACE),
                Map.entry("AOE_ENGINE_NAME", "aoe-engine"),
                Map.entry("AOE_ENGINE_OWNER_DEPLOYMENT", "aoe-operator"),
                Map.entry("AOE_ENGINE_SERVICE_ACCOUNT", "aoe-engine"),
                Map.entry("AOE_ENGINE_IMAGE", "aoe-operator:0.1.0"),
                Map.entry("AOE_ENGINE_IMAGE_PULL_POLICY", "IfNotPresent"),
                Map.entry("AOE_ENGINE_PRIVILEGED", "false"),
                Map.entry("AOE_ENGINE_STATE_DIRECTORY", "/var/lib/aoe-operator"),
                Map.entry("AOE_ENGINE_TOLERATIONS", "[]"),
                Map.entry("AOE_ENGINE_CPU_REQUEST", "50m"),
                Map.entry("AOE_ENGINE_MEMORY_REQUEST", "128Mi"),
                Map.entry("AOE_ENGINE_MEMORY_LIMIT", "512Mi"),
                Map.entry("AOE_ENGINE_PORT", "9460"),
                Map.entry("AOE_ENGINE_BIND_ADDRESS", "0.0.0.0"),
                Map.entry("AOE_ENGINE_EXTRA_ENV", "[]"),
                Map.entry("POD_NAME", "fieldRef:metadata.name"),
                Map.entry("POD_NAMESPACE", "fieldRef:metadata.namespace")));
        assertEquals(expected, env);
    }

    @Test
    void otherValuesAreWiredWhereTheyBelong() {
        Map<String, String> env = env(operatorContainer(custom));
        assertEquals("/var/lib/aoe,/srv/aoe/disks", env.get("AOE_POLICY_FILE_ROOTS"));
        assertEquals("/dev/disk/by-id,/dev/mapper", env.get("AOE_POLICY_DEVICE_ROOTS"));
        assertEquals("bond0.42", env.get("AOE_DEFAULT_INTERFACE"));
        assertEquals("2000-2009, 3000", env.get("AOE_ADDRESS_POOL_SHELVES"));
        assertEquals("99", env.get("AOE_ADDRESS_POOL_SLOTS"));
        assertEquals("true", env.get("AOE_ENGINE_PRIVILEGED"));
        assertEquals("/srv/aoe/state", env.get("AOE_ENGINE_STATE_DIRECTORY"));
        assertEquals("9555", env.get("AOE_ENGINE_PORT"));
        assertEquals("10.0.0.5", env.get("AOE_ENGINE_BIND_ADDRESS"));
        assertEquals("registry.example.com/aoe-engine:debug", env.get("AOE_ENGINE_IMAGE"));
        assertEquals("Always", env.get("AOE_ENGINE_IMAGE_PULL_POLICY"));
        assertEquals("regcred,mirror", env.get("AOE_ENGINE_IMAGE_PULL_SECRETS"));
        assertEquals("aoe.dev/storage=true,kubernetes.io/os=linux", env.get("AOE_ENGINE_NODE_SELECTOR"));
        assertEquals("[{\"effect\":\"NoSchedule\",\"key\":\"storage\",\"operator\":\"Exists\"}]", env.get("AOE_ENGINE_TOLERATIONS"));
        assertEquals("[{\"name\":\"JAVA_TOOL_OPTIONS\",\"value\":\"-Xmx384m\"},"
                + "{\"name\":\"NODE_IP\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}}]",
                env.get("AOE_ENGINE_EXTRA_ENV"));
        assertEquals("200m", env.get("AOE_ENGINE_CPU_REQUEST"));
        assertEquals("1Gi", env.get("AOE_ENGINE_MEMORY_LIMIT"));
        assertEquals("DEBUG", env.get("QUARKUS_LOG_LEVEL"), "operator.extraEnv goes to the operator container");

        Deployment d = one(custom, Deployment.class, "aoe-operator");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertEquals(2, d.getSpec().getReplicas());
        assertEquals("registry.example.com/aoe-operator:1.2.3", operatorContainer(custom).getImage());
        assertEquals(List.of("regcred", "mirror"), pod.getImagePullSecrets().stream().map(s -> s.getName()).toList());
        assertEquals(Map.of("node-role.kubernetes.io/control-plane", ""), pod.getNodeSelector());
        assertEquals("node-role.kubernetes.io/control-plane", pod.getTolerations().get(0).getKey());
        assertEquals("1", operatorContainer(custom).getResources().getLimits().get("cpu").toString());

        Namespace ns = one(custom, Namespace.class, NAMESPACE);
        assertEquals("privileged", ns.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
        assertEquals("storage", ns.getMetadata().getLabels().get("team"));

        GenericKubernetesResource sm = one(custom, GenericKubernetesResource.class, "aoe-operator");
        assertEquals("ServiceMonitor", sm.getKind());
        assertEquals("monitoring.coreos.com/v1", sm.getApiVersion());
        Map<String, Object> endpoint = sm.<List<Map<String, Object>>>get("spec", "endpoints").get(0);
        assertEquals(Map.of("port", "http", "path", "/q/metrics", "interval", "15s"), endpoint);
        assertEquals("kube-prometheus", sm.getMetadata().getLabels().get("release"));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', textBlock = """
            image.pullPolicy       | Sometimes    | pullPolicy
            image.repository       | ''           | repository
            policy.fileRoots[0]    | var/lib/aoe  | fileRoots
            policy.fileRoots[0]    | /var/../etc  | fileRoots
            policy.fileRoots[0]    | /            | fileRoots
            policy.deviceRoots[0]  | /etc         | deviceRoots
            engine.port            | 70000        | port
            engine.port            | 0            | port
            engine.stateDirectory  | state        | stateDirectory
            engine.bindAddress     | everywhere   | bindAddress
            engine.privileged      | yes          | privileged
            engine.resources.limits.cpu | 2       | limits
            operator.replicas      | -1           | replicas
            defaultInterface       | 'eth 0'      | defaultInterface
            addressPool.shelves    | 100-         | shelves
            addressPool.shelves    | 70000        | shelves
            addressPool.slots      | 0-1000       | slots
            addressPool.slots      | 255          | slots
            metrics.serviceMonitor.interval | often | interval
            metrics.podMonitor.interval     | often | interval
            metrics.dashboard.namespace     | Bad_NS | namespace
            logging.json           | yes          | json
            unknownKey             | 1            | unknownKey
            """)
    void schemaRefusesNonsense(String key, String value, String named) {
        var e = assertThrows(IllegalStateException.class, () -> Charts.render(Map.of(key, value)));
        assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }


    @Test
    void chartCrdsAreTheRepositoryCrds() throws IOException {
        assertSameFiles(Charts.PROJECT.resolve("crds"), Charts.CHART.resolve("crds"));
    }

    static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<String> names = list(expected);
        assertFalse(names.isEmpty(), "no CRD in " + expected);
        assertEquals(names, list(actual), actual + " holds other files than " + expected);
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(n)), Files.readAllBytes(actual.resolve(n)),
                    actual.resolve(n) + " differs from " + expected.resolve(n) + ": copy it over");
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Container operatorContainer(List<HasMetadata> objects) {
        List<Container> cs = one(objects, Deployment.class, "aoe-operator").getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, cs.size());
        return cs.get(0);
    }

    /** name → value, or fieldRef:PATH for downward-API variables; duplicate names fail. */
    static Map<String, String> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                e -> e.getValueFrom() != null ? "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath() : e.getValue(),
                (a, b) -> {
                    throw new AssertionError("duplicate env var");
                }, TreeMap::new));
    }

    private static void assertSubject(List<Subject> subjects, String serviceAccount) {
        assertEquals(1, subjects.size());
        assertEquals("ServiceAccount", subjects.get(0).getKind());
        assertEquals(serviceAccount, subjects.get(0).getName());
        assertEquals(NAMESPACE, subjects.get(0).getNamespace());
    }

    private static String rule(String group, String resource, String... verbs) {
        return group + " " + resource + " " + String.join(",", verbs);
    }

    /** One line per rule; a rule restricted by resourceNames shows them as {@code resource[name,...]}. */
    private static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().peek(r -> {
            assertEquals(1, r.getApiGroups().size(), "one group per rule: " + r);
            assertEquals(1, r.getResources().size(), "one resource per rule: " + r);
        }).map(r -> rule(r.getApiGroups().get(0), r.getResources().get(0)
                        + (r.getResourceNames().isEmpty() ? "" : r.getResourceNames().toString().replace(" ", "")),
                r.getVerbs().toArray(String[]::new))).toList();
    }
}
