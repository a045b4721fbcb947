package dev.aoe.engine;

import dev.aoe.responder.TargetCounts;

import java.util.List;

/** What a served export has counted so far, for metrics: read from any thread, at any time. */
public interface ExportCounters {
    /** The AoE address, e{@code shelf}.{@code slot}. */
    String target();

    /** The name the export was given ({@link ExportSpec#name()}); empty when it has none. */
    String name();

    String interfaceName();

    /** The counter blocks of every thread that answers for the export; sum them. */
    List<TargetCounts> counts();

    /** Requests handed to the I/O threads and not yet answered. */
    int requestsInFlight();

    /** Flushes (fdatasync) of the export's store. */
    long flushes();

    /** Writes made durable by those flushes. */
    long flushedWrites();

    /**
     * Write-back writes answered on a receive thread that took long (dirty-page throttling, a
     * frozen file system), each sending the export's writes to its I/O threads for a while.
     */
    long slowInlineWrites();
}
