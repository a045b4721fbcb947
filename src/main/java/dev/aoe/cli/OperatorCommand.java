package dev.aoe.cli;

import io.javaoperatorsdk.operator.Operator;
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
    /** Built by the Quarkus Operator SDK with every reconciler registered; not started (start-operator=false). */
    @Inject
    Operator operator;

    @Override
    public Integer call() {
        operator.start();
        try {
            Quarkus.waitForExit();
        } finally {
            operator.stop();
        }
        return 0;
    }
}
