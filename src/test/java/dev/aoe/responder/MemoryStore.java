package dev.aoe.responder;

import dev.aoe.store.BlockStore;
import dev.aoe.store.WriteCache;

import java.io.IOException;
import java.nio.ByteBuffer;

/** An in-memory disk of {@code sectors} 512-byte sectors, for unit tests of the target only. */
final class MemoryStore implements BlockStore {
    final byte[] data;
    private final long sectors;
    boolean readOnly;
    /** When set, the next read, write or flush throws an IOException (once). */
    boolean failNext;
    int flushes;
    /** Whether {@link #tryReadCached} serves reads, as a page cache holding the data would. */
    boolean cached;
    int reads;
    int writes;
    /** Writes that came through {@link #writeUnflushed}, whose caller owes a flush. */
    int unflushedWrites;

    WriteCache writeCache = WriteCache.OFF;

    MemoryStore(int sectors) {
        this.sectors = sectors;
        this.data = new byte[sectors * SECTOR_SIZE];
    }

    /** A store that claims {@code sectors} but holds no data: for capacity reporting only. */
    MemoryStore(long sectors) {
        this.sectors = sectors;
        this.data = new byte[0];
    }

    @Override
    public long sectors() {
        return sectors;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public WriteCache writeCache() {
        return writeCache;
    }

    private void maybeFail() throws IOException {
        if (failNext) {
            failNext = false;
            throw new IOException("injected I/O error");
        }
    }

    @Override
    public void read(long lba, ByteBuffer dst) throws IOException {
        maybeFail();
        reads++;
        int n = dst.remaining();
        if (n % SECTOR_SIZE != 0 || lba < 0 || lba * SECTOR_SIZE + n > data.length) {
            throw new IOException("read outside the store: lba " + lba + ", " + n + " bytes");
        }
        dst.put(data, (int) (lba * SECTOR_SIZE), n);
    }

    @Override
    public boolean tryReadCached(long lba, ByteBuffer dst) {
        if (!cached) {
            return false;
        }
        int n = dst.remaining();
        dst.put(data, (int) (lba * SECTOR_SIZE), n);
        return true;
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        maybeFail();
        if (readOnly) {
            throw new IOException("read-only store");
        }
        writes++;
        int n = src.remaining();
        if (n % SECTOR_SIZE != 0 || lba < 0 || lba * SECTOR_SIZE + n > data.length) {
            throw new IOException("write outside the store: lba " + lba + ", " + n + " bytes");
        }
        src.get(data, (int) (lba * SECTOR_SIZE), n);
    }

    /** A memory store has no cache to flush: its writes are as durable as it gets at once. */
    @Override
    public void writeUnflushed(long lba, ByteBuffer src) throws IOException {
        unflushedWrites++;
        write(lba, src);
    }

    @Override
    public void flush() throws IOException {
        maybeFail();
        flushes++;
    }

    @Override
    public void close() {
    }
}
