package dev.aoe.responder;

import dev.aoe.ata.Ata;
import dev.aoe.ata.UnflushedWrites;
import dev.aoe.protocol.AtaArg;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A batch of requests answered at once: its writes share one flush, made before any reply goes. */
class TargetBatchTest extends TargetFixture {
    private static final int EXT = AtaArg.AFLAG_EXTENDED;
    private static final int W = AtaArg.AFLAG_WRITE;
    private static final int STATUS_OK = 0x40;
    private static final int STATUS_FAILED = 0x41;

    private final UnflushedWrites unflushed = target.unflushedWrites(4);

    private int handle(ByteBuffer f, int length) {
        return target.handle(f, length, unflushed, link, new TargetCounts());
    }

    private static int write(ByteBuffer f, long lba, int count, int seed) {
        return ataRequest(f, EXT | W, count, Ata.WRITE_SECTORS_EXT, lba, pattern(count * 512, seed));
    }

    @Test
    void writesOfABatchShareOneFlushMadeBeforeTheirReplies() {
        ByteBuffer[] frames = {frame(), frame(), frame()};
        for (int i = 0; i < frames.length; i++) {
            assertEquals(60, handle(frames[i], write(frames[i], i * 2, 2, i)));
        }
        assertEquals(3, store.unflushedWrites, "every write took the unflushed path");
        assertEquals(0, store.flushes, "no flush before the batch settles");
        assertEquals(3, unflushed.size());

        unflushed.settle();

        assertEquals(1, store.flushes, "one flush for the whole batch");
        assertEquals(0, unflushed.size());
        for (int i = 0; i < frames.length; i++) {
            assertOk(frames[i]);
            assertEquals(STATUS_OK, AtaArg.status(frames[i]));
            assertArrayEquals(pattern(1024, i), Arrays.copyOfRange(store.data, i * 1024, i * 1024 + 1024));
        }
    }

    @Test
    void aFailedFlushTurnsEveryWriteReplyOfTheBatchIntoAbort() {
        ByteBuffer first = frame();
        ByteBuffer second = frame();
        handle(first, write(first, 0, 1, 1));
        handle(second, write(second, 8, 2, 2));
        store.failNext = true;

        unflushed.settle();

        for (ByteBuffer f : new ByteBuffer[] {first, second}) {
            assertOk(f);
            assertEquals(STATUS_FAILED, AtaArg.status(f), "a write that may not be durable is not acknowledged");
            assertEquals(Ata.ERROR_ABRT, AtaArg.error(f));
        }
        assertEquals(1, AtaArg.sectorCount(first), "all sectors left");
        assertEquals(2, AtaArg.sectorCount(second), "all sectors left");
    }

    @Test
    void readsAndFlushesInABatchAreAnsweredWithoutWaitingForIt() {
        ByteBuffer w = frame();
        handle(w, write(w, 4, 1, 7));
        ByteBuffer r = frame();
        int n = handle(r, ataRequest(r, EXT, 1, Ata.READ_SECTORS_EXT, 4, null));
        assertEquals(AtaArg.DATA + 512, n);
        assertArrayEquals(pattern(512, 7), bytes(r, AtaArg.DATA, 512), "a read sees the batch's earlier write");
        ByteBuffer flush = frame();
        handle(flush, ataRequest(flush, EXT, 0, Ata.FLUSH_CACHE_EXT, 0, null));
        assertEquals(1, store.flushes, "FLUSH CACHE flushes at once");
        assertEquals(1, unflushed.size(), "only the write waits for the batch's flush");
    }

    @Test
    void aFullRecordMakesFurtherWritesDurableOneByOne() {
        UnflushedWrites one = target.unflushedWrites(1);
        ByteBuffer a = frame();
        ByteBuffer b = frame();
        target.handle(a, write(a, 0, 1, 1), one, link, new TargetCounts());
        target.handle(b, write(b, 1, 1, 2), one, link, new TargetCounts());
        assertEquals(1, store.unflushedWrites);
        assertEquals(2, store.writes);
        assertEquals(1, one.size());
    }
}
