package dev.aoe.engine;

import java.io.IOException;

/** An export the engine cannot serve, with a message that says why and what to do. */
public final class EngineException extends IOException {
    public EngineException(String message) {
        super(message);
    }
}
