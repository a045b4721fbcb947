package dev.aoe.engine;

import dev.aoe.ata.IoFailures;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs the I/O failures of one export, so a failing disk cannot flood the log: the first one at
 * WARNING, then at most one line every {@link #INTERVAL_NANOS}, which counts the failures it
 * left out in between.
 */
final class IoFailureLog implements IoFailures {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String export;
    private final Logger log;
    private final LongSupplier nanoClock;
    private boolean loggedAny;
    private long lastLogged;
    private long unlogged;

    IoFailureLog(String export, Logger log) {
        this(export, log, System::nanoTime);
    }

    IoFailureLog(String export, Logger log, LongSupplier nanoClock) {
        this.export = export;
        this.log = log;
        this.nanoClock = nanoClock;
    }

    @Override
    public void failed(String op, long lba, int count, Exception e) {
        long more;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (loggedAny && now - lastLogged < INTERVAL_NANOS) {
                unlogged++;
                return;
            }
            loggedAny = true;
            lastLogged = now;
            more = unlogged;
            unlogged = 0;
        }
        String what = "FLUSH".equals(op) ? op : op + " at LBA " + lba + " (" + count + " sectors)";
        String error = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        log.warning(export + ": " + what + " failed: " + error + "; answered ATA ABRT"
                + (more > 0 ? "; " + more + " more I/O failures since the last line" : ""));
    }
}
