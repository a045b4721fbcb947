package dev.aoe.agent;

import dev.aoe.api.Conditions;
import dev.aoe.engine.EngineException;
import dev.aoe.net.NetException;
import dev.aoe.store.SourceNotAllowedException;
import dev.aoe.store.StoreException;

import java.nio.file.NoSuchFileException;

/**
 * Why an export is not served, as {@code status.engine} reports it: a reason for machines (the
 * operator turns it into the Serving condition) and a message for people.
 */
record Failure(String reason, String message) {
    /** The reason behind an error of {@code Engine.add}, or of opening its source. */
    static Failure of(Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        return new Failure(reason(e), message);
    }

    private static String reason(Exception e) {
        if (e instanceof EngineException engine) {
            return switch (engine.problem()) {
                case INTERFACE_DOWN -> Conditions.INTERFACE_DOWN;
                case ADDRESS_IN_USE -> Conditions.ADDRESS_IN_USE;
            };
        }
        if (e instanceof NetException net && net.isNoSuchInterface()) {
            return Conditions.INTERFACE_DOWN;
        }
        if (e instanceof SourceNotAllowedException) {
            // What the engine opened broke the path policy, or the kernel says the device is in use.
            return Conditions.PATH_NOT_ALLOWED;
        }
        if (e instanceof StoreException || e instanceof NoSuchFileException) {
            return Conditions.SOURCE_UNAVAILABLE;
        }
        return Conditions.REASON_FAILED;
    }

    static Failure pathNotAllowed(String policyMessage) {
        return new Failure(Conditions.PATH_NOT_ALLOWED, policyMessage);
    }
}
