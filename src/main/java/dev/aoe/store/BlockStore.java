package dev.aoe.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The backing storage of one export, addressed in 512-byte sectors relative to the export's
 * window. Implementations are safe for concurrent use by several I/O threads.
 *
 * <p>Callers check a request against {@link #sectors()} and answer IDNF themselves; an
 * implementation still refuses a transfer outside the window, or not made of whole sectors, with
 * an IllegalArgumentException, so a caller's bug never reaches data outside the export. Media
 * failures, writes to a read-only store and I/O after {@link #close()} are IOExceptions.
 */
public interface BlockStore extends Closeable {
    int SECTOR_SIZE = 512;

    /** Size of the export in 512-byte sectors. */
    long sectors();

    boolean readOnly();

    /** What an acknowledged write means for this store. */
    WriteCache writeCache();

    /**
     * Reads {@code dst.remaining()} bytes (a whole number of sectors) starting at sector
     * {@code lba} into {@code dst}, advancing its position. A short read is an IOException.
     */
    void read(long lba, ByteBuffer dst) throws IOException;

    /**
     * Reads like {@link #read} and returns true if that needs no wait for the disk (the data is
     * in the page cache); otherwise returns false with {@code dst}'s position unchanged, and the
     * caller calls {@link #read} on a thread that may block. Never blocks, never throws for
     * media errors: those surface in {@link #read}. A store that cannot tell always says false.
     */
    default boolean tryReadCached(long lba, ByteBuffer dst) {
        return false;
    }

    /**
     * Writes {@code src.remaining()} bytes (a whole number of sectors) at sector {@code lba}.
     * With {@link WriteCache#OFF} the data is durable when this returns; concurrent writers
     * share one flush (group commit).
     */
    void write(long lba, ByteBuffer src) throws IOException;

    /**
     * Writes like {@link #write} but returns once the data is written, before it is durable,
     * whatever the write cache: a caller that acknowledges the write calls {@link #flush()}
     * first. Lets one thread write a batch of requests and make them durable with one flush.
     */
    void writeUnflushed(long lba, ByteBuffer src) throws IOException;

    /** Makes every write that returned before this call durable (FLUSH CACHE). */
    void flush() throws IOException;
}
