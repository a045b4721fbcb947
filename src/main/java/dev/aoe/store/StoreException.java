package dev.aoe.store;

import java.io.IOException;

/**
 * A source cannot be opened as described: it is missing, of the wrong kind, too small for the
 * window, or its file system refuses an option. The message says what to change.
 */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
