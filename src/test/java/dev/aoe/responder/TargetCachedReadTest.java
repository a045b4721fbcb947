package dev.aoe.responder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.WriteCache;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Target#handleNow}: what the engine's receive thread may answer without blocking. */
class TargetCachedReadTest extends TargetFixture {
    private static final int EXT = AtaArg.AFLAG_EXTENDED;
    private static final int W = AtaArg.AFLAG_WRITE;

    @Test
    void aCachedReadIsAnsweredAsTheBlockingPathWould() {
        byte[] data = pattern(2 * 512, 3);
        System.arraycopy(data, 0, store.data, 10 * 512, data.length);
        store.cached = true;

        ByteBuffer inline = frame();
        int n = target.handleNow(inline, ataRequest(inline, EXT, 2, Ata.READ_SECTORS_EXT, 10, null), link, new TargetCounts());
        assertEquals(0, store.reads, "no blocking read was needed");
        ByteBuffer queued = frame();
        int m = target.handle(queued, ataRequest(queued, EXT, 2, Ata.READ_SECTORS_EXT, 10, null), link, new TargetCounts());

        assertEquals(m, n);
        assertEquals(AtaArg.DATA + data.length, n);
        assertArrayEquals(bytes(queued, 0, m), bytes(inline, 0, n));
        assertArrayEquals(data, bytes(inline, AtaArg.DATA, data.length));
    }

    @Test
    void anUncachedReadWouldBlockAndTheSameFrameIsThenAnsweredByHandle() {
        byte[] data = pattern(512, 5);
        System.arraycopy(data, 0, store.data, 7 * 512, data.length);
        ByteBuffer f = frame();
        int length = ataRequest(f, EXT, 1, Ata.READ_SECTORS_EXT, 7, null);

        assertEquals(Outcome.WOULD_BLOCK, target.handleNow(f, length, link, new TargetCounts()));
        int n = target.handle(f, length, link, new TargetCounts());

        assertEquals(AtaArg.DATA + 512, n);
        assertReplyHeader(f, INITIATOR);
        assertOk(f);
        assertArrayEquals(data, bytes(f, AtaArg.DATA, 512));
    }

    @Test
    void queriesAndIdentifyAreAnsweredFromMemoryEvenWhenNothingIsCached() {
        ByteBuffer f = frame();
        int identify = ataRequest(f, 0, 1, Ata.IDENTIFY_DEVICE, 0, null);
        assertEquals(AtaArg.DATA + 512, target.handleNow(f, identify, link, new TargetCounts()));
        assertOk(f);
        assertTrue(target.handleNow(f, configRequest(f, ConfigArg.CCMD_READ, new byte[0]), link, new TargetCounts()) > 0);
        assertTrue(target.handleNow(f, maskRequest(f, INITIATOR, MaskArg.MCMD_READ), link, new TargetCounts()) > 0);
        assertTrue(target.handleNow(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_READ), link, new TargetCounts()) > 0);
        assertEquals(0, store.reads);
    }

    @Test
    void writeBackWritesAreDoneWhenAskedAndDurableOnesNever() {
        ByteBuffer f = frame();
        int write = ataRequest(f, EXT | W, 1, Ata.WRITE_SECTORS_EXT, 0, pattern(512, 9));
        assertEquals(Outcome.WOULD_BLOCK, target.handleNowOrWriteBack(f, write, link, new TargetCounts()),
                "a durable write waits for a flush");
        store.writeCache = WriteCache.WRITE_BACK;
        TargetCounts counts = new TargetCounts();
        assertEquals(60, target.handleNowOrWriteBack(f, write, link, counts));
        assertEquals(1, store.writes);
        assertEquals(0, store.flushes);
        assertEquals(512, TargetCounts.bytes(List.of(counts), true));
        assertEquals(0, TargetCounts.cachedReadBytes(List.of(counts)), "a write is no cached read");
        int flush = ataRequest(f, 0, 0, Ata.FLUSH_CACHE, 0, null);
        assertEquals(Outcome.WOULD_BLOCK, target.handleNowOrWriteBack(f, flush, link, new TargetCounts()));
        int config = configRequest(f, ConfigArg.CCMD_FORCE_SET, "new".getBytes());
        assertEquals(Outcome.WOULD_BLOCK, target.handleNowOrWriteBack(f, config, link, new TargetCounts()));
        assertEquals(Outcome.WOULD_BLOCK, target.handleNow(f, write, link, new TargetCounts()),
                "handleNow leaves every write to a thread that may wait");
    }

    @Test
    void writesFlushesAndConfigEditsAreNeverDoneInline() {
        store.cached = true;
        ByteBuffer f = frame();
        int write = ataRequest(f, EXT | W, 1, Ata.WRITE_SECTORS_EXT, 0, pattern(512, 9));
        assertEquals(Outcome.WOULD_BLOCK, target.handleNow(f, write, link, new TargetCounts()));
        int flush = ataRequest(f, 0, 0, Ata.FLUSH_CACHE, 0, null);
        assertEquals(Outcome.WOULD_BLOCK, target.handleNow(f, flush, link, new TargetCounts()));
        int config = configRequest(f, ConfigArg.CCMD_FORCE_SET, "new".getBytes());
        assertEquals(Outcome.WOULD_BLOCK, target.handleNow(f, config, link, new TargetCounts()));
        assertEquals(0, store.writes);
        assertEquals(0, store.flushes);
    }

    @Test
    void aCachedReadPastTheEndIsRefusedLikeAnyRead() {
        store.cached = true;
        ByteBuffer f = frame();
        int n = target.handleNow(f, ataRequest(f, EXT, 2, Ata.READ_SECTORS_EXT, STORE_SECTORS - 1, null), link, new TargetCounts());
        assertNotEquals(Outcome.WOULD_BLOCK, n);
        assertEquals(Ata.STATUS_FAILED, AtaArg.status(f));
        assertEquals(Ata.ERROR_IDNF, AtaArg.error(f));
    }
}
