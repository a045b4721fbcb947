package dev.aoe.health;

import java.util.function.BooleanSupplier;

/**
 * What a long-running command (the engine agent, the operator) says about itself to the kubelet's
 * probes: ready to do its job, and alive (a restart would help if not).
 */
public interface ServiceHealth {
    /** The name the health checks carry, e.g. {@code engine-agent}. */
    String name();

    boolean ready();

    boolean live();

    static ServiceHealth of(String name, BooleanSupplier ready, BooleanSupplier live) {
        return new ServiceHealth() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean ready() {
                return ready.getAsBoolean();
            }

            @Override
            public boolean live() {
                return live.getAsBoolean();
            }
        };
    }
}
