package dev.aoe.engine;

import java.io.IOException;

/** An export the engine cannot serve, with a message that says why and what to do. */
public final class EngineException extends IOException {
    /** What kind of obstacle it is, for callers that report it (the engine agent's reasons). */
    public enum Problem {
        /** The interface is down: nothing can be sent or received on it. */
        INTERFACE_DOWN,
        /** The AoE address is already served, by this engine or another target on the network. */
        ADDRESS_IN_USE
    }

    private final Problem problem;

    public EngineException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
