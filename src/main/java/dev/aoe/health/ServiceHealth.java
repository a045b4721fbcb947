package dev.aoe.health;

import java.util.function.BooleanSupplier;

/**
 * What a long-running command (the engine agent, the operator) says about itself to the kubelet's
 * probes: ready to do its job, and alive (a restart would help if not).
 *
 * @param name the name the health checks carry, e.g. {@code engine-agent}
 */
public record ServiceHealth(String name, BooleanSupplier ready, BooleanSupplier live) {
}
