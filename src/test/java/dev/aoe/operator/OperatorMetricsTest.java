package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import dev.aoe.testing.Exports;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's series as Prometheus scrapes them, with the reconciler on the fabric8 mock:
 * export counts per phase and Ready reason follow the cache, failed reconciles are counted, and
 * the duration is a histogram (buckets for histogram_quantile).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static KubernetesMockServer server;
    static KubernetesClient client;
    private static final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static Operator operator;
    private static KubernetesClient operatorClient;

    @BeforeAll
    static void startOperator() {
        // No client-side retries: the injected failure below must reach the reconciler.
        operatorClient = MockApiServer.operatorClient(client, false, Duration.ofSeconds(5));
        operator = SimulatedCluster.startOperator(operatorClient,
                new AoeExportReconciler(Exports.config(), Clock.systemUTC(), registry), o -> { });
    }

    @AfterAll
    static void stopOperator() {
        operator.stop();
        operatorClient.close();
    }

    @Test
    void exportsPerPhaseAndReasonFollowTheCache() {
        new SimulatedCluster(client).node("m-node");
        client.resource(Exports.file("m-waiting", 1, 1, "m-node", "/var/lib/aoe/b.img")).create();
        await().atMost(WAIT).until(() -> exports(Conditions.PENDING, Conditions.NO_ENGINE_ON_NODE) == 1);

        client.resources(AoeExport.class).withName("m-waiting").delete();
        // The state stays as a zero series once its last export is gone.
        await().atMost(WAIT).until(() -> exports(Conditions.PENDING, Conditions.NO_ENGINE_ON_NODE) == 0);
        assertTrue(scrape().contains("aoe_operator_reconcile_duration_seconds_bucket{le=\"+Inf\",}"), scrape());
        assertTrue(value("aoe_operator_reconcile_duration_seconds_count") >= 2, scrape());
    }

    @Test
    void aFailedReconcileIsCounted() {
        double failuresBefore = reconciles("failure");
        server.expect().patch().withPath("/apis/aoe.dev/v1alpha1/aoeexports/m-refused/status")
                .andReturn(422, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 422,
                        "reason", "Invalid", "message", "injected"))
                .once();
        client.resource(Exports.file("m-refused", 2, 255, "m-node", "/var/lib/aoe/c.img")).create();
        // JOSDK retries the failed reconcile, which then writes the status.
        await().atMost(WAIT).until(() -> {
            AoeExport e = client.resources(AoeExport.class).withName("m-refused").get();
            return e.getStatus() != null && Conditions.FAILED.equals(e.getStatus().getPhase());
        });
        assertEquals(failuresBefore + 1, reconciles("failure"), scrape());
        assertTrue(exports(Conditions.FAILED, Conditions.NOT_SERVING) == 1, scrape());
        assertTrue(reconciles("success") >= 1, scrape());
    }

    private static double exports(String phase, String reason) {
        return value("aoe_operator_exports\\{phase=\"" + phase + "\",reason=\"" + reason + "\",}");
    }

    private static double reconciles(String result) {
        return value("aoe_operator_reconciles_total\\{result=\"" + result + "\",}");
    }

    /** The sample of the series {@code seriesPattern} (a regex), or -1 when Prometheus would not see it. */
    private static double value(String seriesPattern) {
        Matcher m = Pattern.compile("(?m)^" + seriesPattern + " (\\S+)$").matcher(scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String scrape() {
        return registry.scrape();
    }
}
