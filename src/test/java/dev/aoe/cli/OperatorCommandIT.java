package dev.aoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aoe.api.AoeExport;
import dev.aoe.chart.ChartRulesReview;
import dev.aoe.testing.AoeCli;
import dev.aoe.testing.Command;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code aoe operator} process against an API server (the fabric8 mock, CRUD mode,
 * in this JVM): it serves health and Prometheus metrics, elects itself leader, creates the engine
 * DaemonSet, accepts a valid export and binds it to its node, and refuses an invalid one.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorCommandIT {
    private static final String NAMESPACE = "aoe-system";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE_CHECK_DELAY = Duration.ofSeconds(2);

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void operatorProcessServesHealthAndMetricsAndReconcilesExports(@TempDir Path dir) throws Exception {
        allowLeaseAccess();
        client.apiextensions().v1().customResourceDefinitions()
                .load(AoeCli.projectDir().resolve("crds/aoeexports.aoe.dev-v1.yml").toFile()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1").endMetadata().build()).create();
        client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName("aoe-engine-x").withNamespace(NAMESPACE)
                .addToLabels("app.kubernetes.io/name", "aoe-engine").addToLabels("app.kubernetes.io/component", "engine")
                .endMetadata()
                .withNewSpec().withNodeName("worker-1").endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
        HealthProbe probe = new HealthProbe(HealthProbe.freePort());
        Path kubeconfig = HealthProbe.kubeconfig(dir, client.getMasterUrl().toString(), NAMESPACE);

        try (Command.Background operator = AoeCli.aoe("operator")
                .withEnv("KUBECONFIG", kubeconfig.toString())
                .withEnv("QUARKUS_HTTP_HOST_ENABLED", "true")
                .withEnv("QUARKUS_HTTP_PORT", String.valueOf(probe.port()))
                .withEnv("AOE_ENGINE_NAMESPACE", NAMESPACE)
                .start()) {
            // Ready only once the operator runs: while its lease check is pending, the probe says "starting".
            List<HealthProbe.Answer> answers = probe.untilOk("/q/health/ready", operator, WAIT);
            HealthProbe.Answer ready = answers.get(answers.size() - 1);
            assertTrue(ready.body().contains("\"operator\"") && ready.body().contains("UP"), ready.body());
            assertTrue(answers.stream().anyMatch(a -> a.status() == 503 && a.body().contains("starting")),
                    "not ready while starting: " + answers);
            String metrics = probe.body("/q/metrics").orElseThrow();
            assertTrue(metrics.contains("# TYPE") && metrics.contains("jvm_"), "Prometheus text format expected");

            create("""
                    apiVersion: aoe.dev/v1alpha1
                    kind: AoeExport
                    metadata: {name: disk-a}
                    spec:
                      shelf: 1
                      slot: 0
                      nodeName: worker-1
                      source: {file: {path: /var/lib/aoe/disk-a.img, size: 1Gi, create: true}}
                    """);
            create("""
                    apiVersion: aoe.dev/v1alpha1
                    kind: AoeExport
                    metadata: {name: outside-policy}
                    spec:
                      shelf: 1
                      slot: 1
                      nodeName: worker-1
                      source: {file: {path: /etc/shadow}}
                    """);

            Condition accepted = await("disk-a Accepted", () -> condition("disk-a", "Accepted"), operator);
            assertEquals("True", accepted.getStatus(), accepted.getMessage());
            // The status is written first, then the label that binds the export to its node.
            AoeExport a = await("disk-a bound to its node", () -> Optional.ofNullable(
                    client.resources(AoeExport.class).withName("disk-a").get())
                    .filter(e -> "worker-1".equals(e.getMetadata().getLabels().get(AoeExport.NODE_LABEL))), operator);
            assertEquals("e1.0", a.getStatus().getTarget());
            Condition refused = await("outside-policy Accepted", () -> condition("outside-policy", "Accepted"), operator);
            assertEquals("PathNotAllowed", refused.getReason(), refused.getMessage());
            assertNotNull(client.apps().daemonSets().inNamespace(NAMESPACE).withName("aoe-engine").get(),
                    "the operator owns the engine DaemonSet");
            // Its own series, from the reconciler as Quarkus builds it (docs/METRICS.md); the gauge
            // counts the operator's cache, which sees the status a moment after the API server.
            Pattern refusedExport = Pattern.compile("(?m)^aoe_operator_exports\\{phase=\"Failed\",reason=\"NotServing\",?} 1\\.0$");
            String after = await("outside-policy counted as Failed", () -> probe.body("/q/metrics")
                    .filter(m -> refusedExport.matcher(m).find()), operator);
            assertTrue(Pattern.compile("(?m)^aoe_operator_reconciles_total\\{result=\"success\",?} [1-9]")
                    .matcher(after).find(), after);
            assertTrue(after.contains("aoe_operator_reconcile_duration_seconds_bucket{le=\"+Inf\""), after);
            // Logs stay plain lines unless JSON is asked for (jsonLogsWhenAsked).
            assertTrue((operator.stdout() + operator.stderr()).lines().noneMatch(l -> l.startsWith("{")),
                    operator.stdout() + operator.stderr());
            System.out.println("operator process: health UP on port " + probe.port() + ", metrics served, disk-a "
                    + accepted.getReason() + ", outside-policy " + refused.getReason() + ", DaemonSet created");
        }
    }

    /** QUARKUS_LOG_CONSOLE_JSON_ENABLED=true (the chart's logging.json) makes each log line a JSON object. */
    @Test
    void jsonLogsWhenAsked(@TempDir Path dir) throws Exception {
        allowLeaseAccess();
        Path kubeconfig = HealthProbe.kubeconfig(dir, client.getMasterUrl().toString(), NAMESPACE);
        try (Command.Background operator = AoeCli.aoe("operator")
                .withEnv("KUBECONFIG", kubeconfig.toString())
                .withEnv("AOE_ENGINE_NAMESPACE", NAMESPACE)
                .withEnv("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                .start()) {
            String line = await("a log line", () -> (operator.stdout() + operator.stderr()).lines()
                    .filter(l -> !l.isBlank()).findFirst(), operator);
            JsonNode json = new ObjectMapper().readTree(line);
            assertTrue(json.hasNonNull("level") && json.hasNonNull("message") && json.hasNonNull("loggerName"), line);
        }
    }

    /**
     * Leader election first asks the API server whether it may use Leases (a
     * SelfSubjectRulesReview); the mock cannot answer that, so it gets the answer a server whose
     * RBAC is the chart's would give.
     */
    private void allowLeaseAccess() {
        // Answered late, so the operator's start (which waits for it) takes visibly longer than its HTTP server's.
        server.expect().post().delay(LEASE_CHECK_DELAY.toMillis()).withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, ChartRulesReview.operator()).always();
    }

    private void create(String yaml) {
        client.resources(AoeExport.class).load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).create();
    }

    private Optional<Condition> condition(String name, String type) {
        AoeExport e = client.resources(AoeExport.class).withName(name).get();
        if (e == null || e.getStatus() == null) {
            return Optional.empty();
        }
        return e.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe, Command.Background process) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + what + " within " + WAIT + "\nstdout:\n" + process.stdout()
                + "\nstderr:\n" + process.stderr());
    }
}
