package dev.aoe.agent;

import jakarta.enterprise.context.ApplicationScoped;

/** The engine agent this process runs, if any: what the health checks ask. */
@ApplicationScoped
public class RunningAgent {
    private volatile EngineAgent agent;

    public void set(EngineAgent agent) {
        this.agent = agent;
    }

    public EngineAgent get() {
        return agent;
    }
}
