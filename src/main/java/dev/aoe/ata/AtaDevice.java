package dev.aoe.ata;

import dev.aoe.protocol.AtaArg;
import dev.aoe.store.BlockStore;
import dev.aoe.store.WriteCache;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The ATA register machine of one export: executes an Issue ATA Command request against the
 * store and rewrites the frame into its reply. Per-I/O failures are reported in the ATA status
 * and error registers, never as AoE errors: the Linux initiator drops AoE error replies, retries
 * for three minutes and then takes the whole device down.
 */
public final class AtaDevice {
    private final BlockStore store;
    private final IdentifyBlock identify;
    private final IoFailures failures;

    public AtaDevice(BlockStore store, IdentifyBlock identify) {
        this(store, identify, IoFailures.IGNORE);
    }

    /** @param failures told of every store I/O answered with ABRT */
    public AtaDevice(BlockStore store, IdentifyBlock identify, IoFailures failures) {
        this.store = store;
        this.identify = identify;
        this.failures = failures;
    }

    /** True for the commands that touch the store and so may block; {@link #executeNow} answers no others. */
    public static boolean mayBlock(int opcode) {
        return Ata.isRead(opcode) || Ata.isWrite(opcode) || Ata.isFlush(opcode);
    }

    /**
     * Executes the request in {@code f[0, length)}, which has at least the ATA header.
     *
     * @param maxSectors the sectors per frame this target advertises and can receive
     * @return the reply length, or {@link Outcome#BAD_ARGUMENT}
     */
    public int execute(ByteBuffer f, int length, int maxSectors) {
        return execute(f, length, maxSectors, true, false, null);
    }

    /**
     * Like {@link #execute}, for a thread that answers a batch of requests at once: a write
     * that must be durable before its reply is written but not flushed, and recorded in
     * {@code unflushed}, whose {@link UnflushedWrites#settle()} must run before any reply of
     * the batch is sent. One flush then covers the whole batch.
     */
    public int execute(ByteBuffer f, int length, int maxSectors, UnflushedWrites unflushed) {
        return execute(f, length, maxSectors, true, false, unflushed);
    }

    /** A record of unflushed writes for one thread's batches, holding up to {@code capacity}. */
    public UnflushedWrites unflushedWrites(int capacity) {
        return new UnflushedWrites(store, failures, capacity);
    }

    /**
     * Like {@link #execute}, for a thread that must not block: answers what needs no disk, and a
     * read only if the store holds its data in the page cache. Other reads, writes and flushes
     * return {@link Outcome#WOULD_BLOCK}, leaving the request for {@link #execute} on a thread
     * that may wait.
     */
    public int executeNow(ByteBuffer f, int length, int maxSectors) {
        return execute(f, length, maxSectors, false, false, null);
    }

    /**
     * Like {@link #executeNow}; with {@code writeBack}, a write to a write-back store is executed
     * too: it returns once its data is in the page cache, which is quick unless the kernel
     * throttles dirty pages or the file system is frozen.
     */
    public int executeNow(ByteBuffer f, int length, int maxSectors, boolean writeBack) {
        return execute(f, length, maxSectors, false, writeBack, null);
    }

    private int execute(ByteBuffer f, int length, int maxSectors, boolean canWait, boolean writeBack,
            UnflushedWrites unflushed) {
        int opcode = AtaArg.command(f);
        int count = AtaArg.sectorCount(f);
        if (count > maxSectors) {
            return Outcome.BAD_ARGUMENT;
        }
        if (opcode == Ata.IDENTIFY_DEVICE) {
            if (count != 1 || f.capacity() < AtaArg.DATA + Ata.SECTOR_SIZE) {
                return Outcome.BAD_ARGUMENT;
            }
            identify.writeTo(f, AtaArg.DATA, store.sectors());
            return reply(f, Ata.STATUS_OK, 0, 0, AtaArg.DATA + Ata.SECTOR_SIZE);
        }
        if (!canWait && mayBlock(opcode) && !Ata.isRead(opcode)
                && !(writeBack && Ata.isWrite(opcode) && store.writeCache() == WriteCache.WRITE_BACK)) {
            return Outcome.WOULD_BLOCK;
        }
        if (Ata.isRead(opcode) || Ata.isWrite(opcode)) {
            return transfer(f, length, opcode, count, canWait, unflushed);
        }
        if (Ata.isFlush(opcode)) {
            try {
                store.flush();
                return reply(f, Ata.STATUS_OK, 0, 0, AtaArg.DATA);
            } catch (IOException e) {
                failures.failed("FLUSH", 0, count, e);
                return reply(f, Ata.STATUS_FAILED, Ata.ERROR_ABRT, count, AtaArg.DATA);
            }
        }
        if (opcode == Ata.CHECK_POWER_MODE) {
            return reply(f, Ata.STATUS_OK, 0, Ata.POWER_ACTIVE, AtaArg.DATA);
        }
        return reply(f, Ata.STATUS_FAILED, Ata.ERROR_ABRT, count, AtaArg.DATA);
    }

    private int transfer(ByteBuffer f, int length, int opcode, int count, boolean canWait,
            UnflushedWrites unflushed) {
        boolean write = Ata.isWrite(opcode);
        int bytes = count * Ata.SECTOR_SIZE;
        if (write && length < AtaArg.DATA + bytes) {
            return Outcome.BAD_ARGUMENT;
        }
        long lba = Ata.maskLba(opcode, AtaArg.lba(f));
        if (lba + count > store.sectors()) {
            return reply(f, Ata.STATUS_FAILED, Ata.ERROR_IDNF, count, AtaArg.DATA);
        }
        if (write && store.readOnly()) {
            return reply(f, Ata.STATUS_FAILED, Ata.ERROR_ABRT, count, AtaArg.DATA);
        }
        // The data moves straight between the frame and the store: the frame's own position
        // and limit frame the sectors, so nothing is copied or allocated.
        f.limit(AtaArg.DATA + bytes).position(AtaArg.DATA);
        try {
            if (write && unflushed != null && store.writeCache() == WriteCache.OFF && unflushed.hasRoom()) {
                store.writeUnflushed(lba, f);
                unflushed.add(f, lba, count);
            } else if (write) {
                store.write(lba, f);
            } else if (canWait) {
                store.read(lba, f);
            } else if (!store.tryReadCached(lba, f)) {
                f.clear();
                return Outcome.WOULD_BLOCK;
            }
        } catch (IOException | RuntimeException e) {
            f.clear();
            failures.failed(write ? "WRITE" : "READ", lba, count, e);
            return reply(f, Ata.STATUS_FAILED, Ata.ERROR_ABRT, count, AtaArg.DATA);
        }
        f.clear();
        return reply(f, Ata.STATUS_OK, 0, 0, write ? AtaArg.DATA : AtaArg.DATA + bytes);
    }

    private static int reply(ByteBuffer f, int status, int error, int sectorsLeft, int length) {
        AtaArg.setResult(f, status, error, sectorsLeft);
        return length;
    }
}
