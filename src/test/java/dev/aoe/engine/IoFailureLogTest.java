package dev.aoe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class IoFailureLogTest {
    private final List<LogRecord> records = new ArrayList<>();
    private long now = 1_000;

    private Logger logger() {
        Logger log = Logger.getAnonymousLogger();
        log.setUseParentHandlers(false);
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return log;
    }

    @Test
    void logsTheFirstFailureThenAtMostOneLinePerIntervalCountingTheRest() {
        IoFailureLog failures = new IoFailureLog("e1.0", logger(), () -> now);

        failures.failed("READ", 1500, 2, new EOFException("short read"));
        assertEquals(1, records.size());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertEquals("e1.0: READ at LBA 1500 (2 sectors) failed: short read; answered ATA ABRT",
                records.get(0).getMessage());

        for (int i = 0; i < 37; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(200);
            failures.failed("WRITE", 10 + i, 1, new IOException("No space left on device"));
        }
        assertEquals(1, records.size(), "failures within 10 s are only counted");

        now = 1_000 + IoFailureLog.INTERVAL_NANOS;
        failures.failed("FLUSH", 0, 0, new IOException("Input/output error"));
        assertEquals(2, records.size());
        assertEquals("e1.0: FLUSH failed: Input/output error; answered ATA ABRT;"
                + " 37 more I/O failures since the last line", records.get(1).getMessage());

        now += TimeUnit.SECONDS.toNanos(1);
        failures.failed("READ", 7, 1, new IOException("Input/output error"));
        now += IoFailureLog.INTERVAL_NANOS;
        failures.failed("READ", 8, 1, new IOException("Input/output error"));
        assertEquals(3, records.size());
        assertEquals("e1.0: READ at LBA 8 (1 sectors) failed: Input/output error; answered ATA ABRT;"
                + " 1 more I/O failures since the last line", records.get(2).getMessage());
    }
}
