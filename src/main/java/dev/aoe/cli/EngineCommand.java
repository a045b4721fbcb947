package dev.aoe.cli;

import dev.aoe.agent.EngineAgent;
import dev.aoe.agent.NetworkScope;
import dev.aoe.config.AoeConfig;
import dev.aoe.engine.Engine;
import dev.aoe.health.RunningService;
import dev.aoe.health.ServiceHealth;
import dev.aoe.metrics.EngineMeters;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run the engine of one Kubernetes node, as the aoe-engine DaemonSet does:",
                "serve the AoeExports bound to NODE (label aoe.dev/node=NODE), report in status.engine.",
                "Connects with the pod's service account, else KUBECONFIG or ~/.kube/config.",
                "Runs until SIGTERM or Ctrl-C, then stops serving; a restart resumes."})
public class EngineCommand implements Callable<Integer> {
    /** Listen this long for another target on an address before serving it, as {@code serve} does. */
    private static final Duration ADDRESS_PROBE = Duration.ofMillis(300);
    private static final String NAME = "engine";

    @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
            description = "The node this engine serves (default: $NODE_NAME, set from the downward API).")
    String node;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where config strings, mask and reserve lists persist (default: aoe.engine.state-directory, "
                    + "/var/lib/aoe-operator).")
    Path stateDirectory;

    // Instances: picocli builds every subcommand, and only this one needs a cluster connection.
    @Inject
    Instance<KubernetesClient> client;

    @Inject
    AoeConfig config;

    @Inject
    RunningService running;

    @Inject
    PrometheusMeterRegistry registry;

    @Override
    public Integer call() throws IOException {
        if (node == null || node.isBlank()) {
            return Cli.fail(NAME, "no node name: give --node NAME or set NODE_NAME "
                    + "(in the DaemonSet, from the downward API: fieldRef spec.nodeName)");
        }
        Path state = stateDirectory != null ? stateDirectory : Path.of(config.engine().stateDirectory());
        try (Engine engine = new Engine(state, node, ADDRESS_PROBE);
             EngineAgent agent = new EngineAgent(client.get(), node, engine, config, NetworkScope.CURRENT)) {
            engine.listen(new EngineMeters(registry));
            try {
                agent.start();
            } catch (KubernetesClientException e) {
                return Cli.fail(NAME, "cannot watch AoeExports at " + client.get().getMasterUrl() + ": "
                        + rootCause(e).getMessage() + " (check KUBECONFIG or the pod's service account)");
            }
            // Ready from here on, when every bound export is served or has a reported reason.
            running.set(new ServiceHealth("engine-agent", agent::ready, agent::live));
            System.out.println("engine on node " + node + " serving the AoeExports bound to it; SIGTERM stops");
            Cli.waitForStop();
            running.set(null);
        }
        return 0;
    }

    /** The client wraps the useful message ("Connection refused") in generic ones. */
    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }
}
