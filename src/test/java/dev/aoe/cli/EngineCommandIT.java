package dev.aoe.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.AoeCli;
import dev.aoe.testing.Command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code aoe engine} process as the kubelet sees it: its readiness probe answers 200
 * once its agent watches the exports bound to its node, and not before; and it carries none of the
 * operator's machinery (no reconciler, no operator health check).
 */
@EnableKubernetesMockClient(crud = true)
class EngineCommandIT {
    private static final String NODE = "worker-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The agent's first list of exports, as fabric8's informer asks for it. */
    private static final String FIRST_LIST = "/apis/aoe.dev/v1alpha1/aoeexports?labelSelector=aoe.dev%2Fnode%3D" + NODE
            + "&resourceVersion=0";
    private static final String EMPTY_LIST = """
            {"apiVersion": "aoe.dev/v1alpha1", "kind": "AoeExportList", "metadata": {"resourceVersion": "1"}, "items": []}""";
    private static final Duration LIST_DELAY = Duration.ofSeconds(2);

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void readyOnceItsAgentWatchesAndNotBefore(@TempDir Path dir) throws Exception {
        // Answered late, so the agent starts visibly later than the process's HTTP server.
        server.expect().get().delay(LIST_DELAY.toMillis()).withPath(FIRST_LIST)
                .andReturn(200, EMPTY_LIST).once();
        HealthProbe probe = new HealthProbe(HealthProbe.freePort());
        Path kubeconfig = HealthProbe.kubeconfig(dir, client.getMasterUrl().toString(), "aoe-system");

        try (Command.Background engine = AoeCli.aoe("engine", "--node", NODE, "--state-dir", dir.resolve("state").toString())
                .withEnv("KUBECONFIG", kubeconfig.toString())
                .withEnv("QUARKUS_HTTP_HOST_ENABLED", "true")
                .withEnv("QUARKUS_HTTP_PORT", String.valueOf(probe.port()))
                .start()) {
            List<HealthProbe.Answer> answers = probe.untilOk("/q/health/ready", engine, WAIT);
            HealthProbe.Answer ready = answers.get(answers.size() - 1);
            assertTrue(engine.stdout().contains("engine on node " + NODE), "ready before the agent ran:\n" + engine.stdout());
            assertTrue(ready.body().contains("\"engine-agent\"") && ready.body().contains("UP"), ready.body());
            assertTrue(answers.stream().anyMatch(a -> a.status() == 503 && a.body().contains("starting")),
                    "not ready while its agent starts: " + answers);
            String live = probe.body("/q/health/live").orElseThrow();
            assertTrue(live.contains("\"engine-agent\""), live);
            String output = engine.stdout() + engine.stderr();
            assertFalse(output.contains("Registered reconciler"), "the engine runs no reconciler:\n" + output);
            assertFalse(ready.body().contains("Operator SDK"), "no operator health check in the engine: " + ready.body());
            System.out.println("engine process: " + answers.stream().filter(a -> a.status() == 503).count()
                    + " probes answered 503 while starting, then 200: " + ready.body().replaceAll("\\s+", " "));
        }
    }
}
