package dev.aoe.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The process's only health checks (the Quarkus Operator SDK's own is excluded in
 * application.properties: it judges every process by an operator that only {@code aoe operator}
 * starts). They ask the service the running command registered: not ready until it runs, then
 * ready when it says so; alive while starting, so a slow start is not killed.
 */
@ApplicationScoped
public class HealthChecks {
    static final String STARTING = "starting";

    @Inject
    RunningService running;

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> check(ServiceHealth::ready, false);
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> check(ServiceHealth::live, true);
    }

    private HealthCheckResponse check(Function<ServiceHealth, BooleanSupplier> healthy, boolean upWhileStarting) {
        ServiceHealth service = running.get();
        if (service == null) {
            return HealthCheckResponse.named(STARTING).status(upWhileStarting).build();
        }
        return HealthCheckResponse.named(service.name()).status(healthy.apply(service).getAsBoolean()).build();
    }
}
