package dev.aoe.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.function.Predicate;

/**
 * The engine agent's health endpoints. Ready once every export bound to the node is served or
 * has a reported reason; live while its watch of the exports runs. A process that runs no agent
 * (the operator, a standalone {@code serve}) is not judged by them.
 */
@ApplicationScoped
public class AgentHealthChecks {
    private static final String NAME = "engine-agent";

    @Inject
    RunningAgent running;

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> check(EngineAgent::ready);
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> check(EngineAgent::live);
    }

    private HealthCheckResponse check(Predicate<EngineAgent> healthy) {
        EngineAgent agent = running.get();
        if (agent == null) {
            return HealthCheckResponse.named(NAME).up().withData("running", false).build();
        }
        return HealthCheckResponse.named(NAME).status(healthy.test(agent)).withData("running", true).build();
    }
}
