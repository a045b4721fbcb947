package dev.aoe.cli;

import dev.aoe.health.RunningService;
import dev.aoe.health.ServiceHealth;
import dev.aoe.operator.EngineDaemonSetOwner;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "operator", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run the Kubernetes operator: admits AoeExports, binds them to their nodes,",
                "owns the engine DaemonSet and reports status. Leader-elected (Lease aoe-operator).",
                "Uses the cluster of the in-cluster ServiceAccount or of ~/.kube/config.",
                "Runs until interrupted (Ctrl-C or SIGTERM)."},
        footer = {"", "Configuration: aoe.* keys or their environment variables (README \"Kubernetes\"),",
                "e.g. AOE_POLICY_FILE_ROOTS=/var/lib/aoe AOE_ENGINE_NAMESPACE=aoe-system.",
                "Health (/q/health) and metrics (/q/metrics) need QUARKUS_HTTP_HOST_ENABLED=true."})
public class OperatorCommand implements Callable<Integer> {
    /**
     * Built by the Quarkus Operator SDK, with every reconciler registered, on first use: only this
     * command uses it, so no other process carries a reconciler. Not started by the SDK (start-operator=false).
     */
    @Inject
    Operator operator;

    @Inject
    EngineDaemonSetOwner engineDaemonSet;

    @Inject
    RunningService running;

    @Override
    public Integer call() {
        operator.start();
        engineDaemonSet.startWith(operator);
        // Ready once started, while its informers are synced; a standby replica (not leading)
        // keeps its caches warm and counts as ready, so a rolling update can replace the leader.
        RuntimeInfo info = operator.getRuntimeInfo();
        running.set(new ServiceHealth("operator", () -> info.isStarted() && info.allEventSourcesAreHealthy(),
                info::isStarted));
        try {
            Quarkus.waitForExit();
        } finally {
            running.set(null);
            engineDaemonSet.close();
            operator.stop();
        }
        return 0;
    }
}
