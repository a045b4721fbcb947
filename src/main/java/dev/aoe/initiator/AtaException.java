package dev.aoe.initiator;

import java.io.IOException;
import java.util.Locale;

/** A target answered an ATA command with an error status or an AoE error. */
public final class AtaException extends IOException {
    private final int status;
    private final int error;
    private final int aoeError;

    public AtaException(String message, int status, int error, int aoeError) {
        super(message + String.format(Locale.ROOT, " (ATA status 0x%02x, error 0x%02x, AoE error %d)",
                status, error, aoeError));
        this.status = status;
        this.error = error;
        this.aoeError = aoeError;
    }

    public int status() {
        return status;
    }

    public int error() {
        return error;
    }

    /** The AoE error code when the reply had the E flag set, else 0. */
    public int aoeError() {
        return aoeError;
    }
}
