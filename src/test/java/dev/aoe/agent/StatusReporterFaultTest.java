package dev.aoe.agent;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.testing.FaultInjectingDispatcher;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The engine's status report against an API server refusing the write. The agent's client
 * retries 5xx answers itself (bounded, with backoff), so one refusal is invisible; when the
 * refusals outlast that, the report fails, nothing is remembered as written, and the next
 * report (the next change or resync) writes it.
 */
class StatusReporterFaultTest {
    private static final String STATUS = "/apis/aoe.dev/v1alpha1/aoeexports/%s/status$";
    private final FaultInjectingDispatcher api = new FaultInjectingDispatcher();
    private final KubernetesMockServer server = FaultInjectingDispatcher.server(api);
    private final KubernetesClient client = server.createClient();
    private static final List<String> summary = new java.util.ArrayList<>();

    @AfterAll
    static void summarize() {
        System.out.println("StatusReporterFaultTest: " + String.join("; ", summary));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private AoeExport export(String name) {
        AoeExport export = new AoeExport();
        export.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
        export.setSpec(new AoeExportSpec());
        return client.resource(export).create();
    }

    private static List<Integer> codes(FaultInjectingDispatcher api, String name) {
        return api.seen("PATCH", String.format(STATUS, name)).stream().map(FaultInjectingDispatcher.Seen::code).toList();
    }

    @Test
    void oneRefusalIsRetriedByTheClient() {
        AoeExport export = export("rep-1");
        api.fail("PATCH", String.format(STATUS, "rep-1"), 500, 1);
        StatusReporter reporter = new StatusReporter(client);
        reporter.report(export, EngineReports.stopped(1, false));
        AoeExport got = client.resources(AoeExport.class).withName("rep-1").get();
        assertEquals(1L, got.getStatus().getEngine().getGeneration());
        assertEquals(1L, reporter.reportedGeneration("rep-1"));
        assertEquals(List.of(500, 202), codes(api, "rep-1"));
        summary.add("status.engine PATCH 500x1: written by the client's own retry, answers " + codes(api, "rep-1"));
    }

    @Test
    void refusalsBeyondTheClientRetryFailTheReportAndTheNextOneWrites() {
        AoeExport export = export("rep-2");
        Config config = new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient noRetry = new KubernetesClientBuilder().withConfig(config).build()) {
            api.fail("PATCH", String.format(STATUS, "rep-2"), 500, 1);
            StatusReporter reporter = new StatusReporter(noRetry);
            assertThrows(KubernetesClientException.class, () -> reporter.report(export, EngineReports.stopped(1, false)));
            assertNull(reporter.reportedGeneration("rep-2"), "a failed report is not remembered as written");
            reporter.report(export, EngineReports.stopped(1, false));
            assertEquals(1L, client.resources(AoeExport.class).withName("rep-2").get().getStatus().getEngine()
                    .getGeneration());
            summary.add("without the client retry, PATCH 500x1: report throws, is not remembered, the next report"
                    + " writes it, answers " + codes(api, "rep-2"));
        }
    }
}
