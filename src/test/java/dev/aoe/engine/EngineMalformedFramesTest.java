package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-built frames, malformed or unusual, each sent raw to one engine at MTU 1500 (2 sectors
 * per frame) with the reply or silence the protocol document asks for; afterwards the engine
 * still serves verified reads and writes. The veth link carries short frames unpadded, so the
 * truncated rows really arrive truncated; the other rows put the fault in the length fields.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineMalformedFramesTest {
    private static final int SHELF = 9;
    private static final int RW = 1;
    private static final int RO = 2;
    private static final long SECTORS = 2048;
    private static final AtomicInteger TAGS = new AtomicInteger(0x8000_0100);

    @TempDir
    static Path dir;
    private static EngineFixture fx;
    private static RawSocket raw;
    private static long me;
    private static long target;

    /** Builds a request into the frame: addresses and tag are filled in; returns the length to send. */
    @FunctionalInterface
    interface Build {
        int into(ByteBuffer f);
    }

    /** Checks a reply of length n (n > 0). */
    @FunctionalInterface
    interface Check {
        void reply(ByteBuffer f, int n);
    }

    private static final Check SILENT = null;

    @BeforeAll
    static void serve() throws Exception {
        fx = EngineFixture.create(dir, 1500);
        fx.add(fx.spec(SHELF, RW, StoreSpec.of(fx.disk("rw.img", SECTORS * 512))));
        fx.add(fx.spec(SHELF, RO, StoreSpec.of(fx.disk("ro.img", SECTORS * 512)).withReadOnly(true)));
        raw = fx.rawB();
        me = MacAddress.of(raw.mac());
        target = fx.engineMac();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    static Stream<Arguments> frames() {
        return Stream.of(
                row("AoE header cut at 20 bytes", f -> header(f, SHELF, RW, AoeHeader.CMD_CONFIG) - 4, SILENT),
                row("ATA header cut at 30 bytes", f -> ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0) - 6, SILENT),
                row("config header cut at 28 bytes", f -> config(f, ConfigArg.CCMD_READ, 0) - 4, SILENT),
                row("wrong version nibble (2)", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.put(AoeHeader.VERSION_FLAGS, (byte) 0x20);
                    return n;
                }, SILENT),
                row("R flag set (another target's reply)", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.put(AoeHeader.VERSION_FLAGS, (byte) 0x18);
                    return n;
                }, SILENT),
                row("READ of 3 sectors, above the 2 per frame", f -> ata(f, RW, AtaArg.AFLAG_EXTENDED, 3,
                        Ata.READ_SECTORS_EXT, 0), aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("WRITE of 2 sectors carrying 1", f -> {
                    ata(f, RW, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 2, Ata.WRITE_SECTORS_EXT, 0);
                    return AtaArg.DATA + 512;
                }, aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("IDENTIFY with count 2", f -> ata(f, RW, 0, 2, Ata.IDENTIFY_DEVICE, 0),
                        aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("READ at the first LBA past the end", f -> ata(f, RW, AtaArg.AFLAG_EXTENDED, 1,
                        Ata.READ_SECTORS_EXT, SECTORS), ataError(Ata.ERROR_IDNF)),
                row("READ across the end", f -> ata(f, RW, AtaArg.AFLAG_EXTENDED, 2,
                        Ata.READ_SECTORS_EXT, SECTORS - 1), ataError(Ata.ERROR_IDNF)),
                row("READ at a huge LBA48", f -> ata(f, RW, AtaArg.AFLAG_EXTENDED, 1,
                        Ata.READ_SECTORS_EXT, 0xFFFF_FFFF_FFFFL), ataError(Ata.ERROR_IDNF)),
                row("WRITE to a read-only export", f -> {
                    ata(f, RO, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 1, Ata.WRITE_SECTORS_EXT, 0);
                    return AtaArg.DATA + 512;
                }, ataError(Ata.ERROR_ABRT)),
                row("unknown ATA opcode (SMART)", f -> ata(f, RW, 0, 0, Ata.SMART, 0), ataError(Ata.ERROR_ABRT)),
                row("broadcast READ", f -> {
                    int n = ata(f, RW, AtaArg.AFLAG_EXTENDED, 1, Ata.READ_SECTORS_EXT, 0);
                    broadcast(f);
                    return n;
                }, SILENT),
                row("broadcast IDENTIFY (WinAoE discovery)", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    broadcast(f);
                    return n;
                }, (f, n) -> {
                    ok().reply(f, n);
                    assertEquals(SHELF, AoeHeader.shelf(f), "real shelf");
                    assertNotEquals(AoeHeader.BROADCAST_SLOT, AoeHeader.slot(f), "real slot");
                    assertEquals(AtaArg.DATA + 512, n);
                }),
                row("unknown AoE command 7", f -> AoeHeader.pad(f, header(f, SHELF, RW, 7)),
                        aoeError(AoeHeader.ERR_BAD_COMMAND)),
                row("vendor command 0xF0", f -> AoeHeader.pad(f, header(f, SHELF, RW, 0xF0)), SILENT),
                row("config SET with length 2000", f -> config(f, ConfigArg.CCMD_SET, 2000), SILENT),
                row("config SET with a string longer than the frame", f -> config(f, ConfigArg.CCMD_SET, 100), SILENT),
                row("config TEST that does not match", f -> {
                    config(f, ConfigArg.CCMD_TEST, 3);
                    f.put(ConfigArg.STRING, new byte[] {'a', 'b', 'c'});
                    return AoeHeader.MIN_FRAME;
                }, SILENT),
                row("unknown CCmd 9", f -> config(f, 9, 0), aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("config READ with 1024 filler bytes (aoeping)", f -> {
                    config(f, ConfigArg.CCMD_READ, 1024);
                    for (int i = 0; i < 1024; i++) {
                        f.put(ConfigArg.STRING + i, (byte) 0xED);
                    }
                    return ConfigArg.STRING + 1024;
                }, (f, n) -> {
                    assertFalse(AoeHeader.isError(f));
                    assertEquals(0x10, f.get(ConfigArg.VERSION_CCMD) & 0xFF);
                    assertEquals(0, ConfigArg.stringLength(f), "the filler is not stored");
                }),
                row("config READ without the version nibble (aoecfg)", f -> {
                    int n = config(f, ConfigArg.CCMD_READ, 0);
                    f.put(ConfigArg.VERSION_CCMD, (byte) 0);
                    return n;
                }, (f, n) -> {
                    assertFalse(AoeHeader.isError(f));
                    assertEquals(0x10, f.get(ConfigArg.VERSION_CCMD) & 0xFF, "version 1, CCmd read");
                    assertEquals(2, ConfigArg.sectorCount(f));
                }),
                row("mask edit with DirCnt beyond the frame", f -> {
                    header(f, SHELF, RW, AoeHeader.CMD_MASK);
                    MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, 10);
                    MaskArg.putDirective(f, 0, MaskArg.DCMD_ADD, me);
                    return AoeHeader.MIN_FRAME;
                }, aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("mask with unknown MCmd 5", f -> {
                    header(f, SHELF, RW, AoeHeader.CMD_MASK);
                    return AoeHeader.pad(f, MaskArg.writeHeader(f, 5, 0, 0));
                }, aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("mask edit with unknown DCmd 7 (MError 2, E clear)", f -> {
                    header(f, SHELF, RW, AoeHeader.CMD_MASK);
                    int n = MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, 1);
                    MaskArg.putDirective(f, 0, 7, me);
                    return AoeHeader.pad(f, n);
                }, (f, n) -> {
                    assertFalse(AoeHeader.isError(f), "MError, not the E flag");
                    assertEquals(MaskArg.MERROR_BAD_DCMD, MaskArg.merror(f));
                    assertEquals(0, MaskArg.directiveCount(f), "directives applied");
                }),
                row("reserve SET with NMacs beyond the frame", f -> {
                    header(f, SHELF, RW, AoeHeader.CMD_RESERVE);
                    ReserveArg.write(f, ReserveArg.RCMD_SET, new long[] {me}, 1);
                    f.put(ReserveArg.MAC_COUNT, (byte) 20);
                    return AoeHeader.MIN_FRAME;
                }, aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("reserve with unknown RCmd 7", f -> {
                    header(f, SHELF, RW, AoeHeader.CMD_RESERVE);
                    return AoeHeader.pad(f, ReserveArg.write(f, 7, new long[0], 0));
                }, aoeError(AoeHeader.ERR_BAD_ARGUMENT)),
                row("IDENTIFY to another shelf", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.putShort(AoeHeader.SHELF, (short) (SHELF + 1));
                    return n;
                }, SILENT),
                row("IDENTIFY to another slot", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.put(AoeHeader.SLOT, (byte) 77);
                    return n;
                }, SILENT),
                row("tag with bit 31 set is echoed exactly", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.putInt(AoeHeader.TAG, 0xFEDC_BA98);
                    return n;
                }, (f, n) -> {
                    ok().reply(f, n);
                    assertEquals(0xFEDC_BA98, AoeHeader.tag(f));
                }),
                row("request with E and an error code set", f -> {
                    int n = ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    f.put(AoeHeader.VERSION_FLAGS, (byte) 0x14);
                    f.put(AoeHeader.ERROR, (byte) 3);
                    return n;
                }, (f, n) -> {
                    ok().reply(f, n);
                    assertEquals(0, AoeHeader.error(f));
                }),
                row("IDENTIFY padded to the MTU (aoe-sancheck)", f -> {
                    ata(f, RW, 0, 1, Ata.IDENTIFY_DEVICE, 0);
                    for (int i = AtaArg.DATA; i < 1514; i++) {
                        f.put(i, (byte) 0xA5);
                    }
                    return 1514;
                }, (f, n) -> {
                    ok().reply(f, n);
                    assertEquals(AtaArg.DATA + 512, n);
                }),
                row("READ carrying data (Linux probe frame)", f -> {
                    ata(f, RW, AtaArg.AFLAG_EXTENDED, 2, Ata.READ_SECTORS_EXT, 100);
                    return AtaArg.DATA + 1024;
                }, (f, n) -> {
                    ok().reply(f, n);
                    assertEquals(AtaArg.DATA + 1024, n);
                }),
                row("LBA28 READ with device bits 0xE0", f -> {
                    int n = ata(f, RW, 0, 1, Ata.READ_SECTORS, 5);
                    f.put(AtaArg.LBA + 3, (byte) 0xE0);
                    return n;
                }, ok()));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void malformedOrUnusualFrameGetsTheExpectedReplyOrSilence(String name, Build build, Check check) throws Exception {
        ByteBuffer f = EngineFixture.frame();
        int tag = TAGS.incrementAndGet();
        int length = build.into(withTag(f, tag));
        int n = EngineFixture.rawExchange(raw, f, length, check == SILENT ? SILENCE : REPLY);
        if (check == SILENT) {
            assertEquals(0, n, name + ": expected silence, got a reply with flags 0x"
                    + Integer.toHexString(f.get(AoeHeader.VERSION_FLAGS) & 0xFF) + " error " + AoeHeader.error(f));
        } else {
            if (n == 0) {
                fail(name + ": expected a reply, got silence");
            }
            assertEquals(me, AoeHeader.destination(f), "unicast back to the requester");
            assertEquals(target, AoeHeader.source(f), "from the engine's MAC");
            assertTrue(n >= AoeHeader.MIN_FRAME, "padded to 60 bytes, got " + n);
            check.reply(f, n);
        }
    }

    @Order(2)
    @Test
    void engineStillServesVerifiedReadsAndWritesAfterTheTable() throws Exception {
        TargetInfo t = fx.find(SHELF, RW);
        fx.assertWriteReadBack(t, 0, 64 * 1024, 42);
        fx.assertWriteReadBack(t, SECTORS - 2, 1024, 43);
        assertEquals(0, fx.initiator.discover(SILENCE).stream().filter(i -> i.bufferCount() != 16).count());
        assertEquals(2, fx.engine().status().size());
    }

    // ---- rows ----

    private static Arguments row(String name, Build build, Check check) {
        return Arguments.of(name, build, check);
    }

    private static Check aoeError(int code) {
        return (f, n) -> {
            assertTrue(AoeHeader.isError(f), "E flag");
            assertEquals(code, AoeHeader.error(f), "AoE error");
            assertEquals(0x1C, f.get(AoeHeader.VERSION_FLAGS) & 0xFF, "version 1, R and E");
        };
    }

    private static Check ataError(int error) {
        return (f, n) -> EngineFixture.assertAtaReply(f, n, Ata.STATUS_FAILED, error);
    }

    private static Check ok() {
        return (f, n) -> {
            EngineFixture.assertAtaReply(f, n, Ata.STATUS_OK, 0);
            assertEquals(0x18, f.get(AoeHeader.VERSION_FLAGS) & 0xFF, "version 1, R set");
        };
    }

    /** Writes the common header to e9.{@code slot}; returns 24. The tag is set by the test. */
    private static int header(ByteBuffer f, int shelf, int slot, int command) {
        int tag = AoeHeader.tag(f);
        AoeHeader.writeRequest(f, target, me, shelf, slot, command, tag);
        return AoeHeader.LENGTH;
    }

    /** An ATA request header; returns 36 (unpadded: veth carries it as is). */
    private static int ata(ByteBuffer f, int slot, int aflags, int count, int opcode, long lba) {
        header(f, SHELF, slot, AoeHeader.CMD_ATA);
        AtaArg.writeRequest(f, aflags, 0, count, opcode, lba);
        if (opcode == Ata.IDENTIFY_DEVICE) {
            f.put(AtaArg.LBA + 3, (byte) 0xA0); // as Linux sends it
        }
        return AtaArg.DATA;
    }

    /** A config request with a string length field of {@code length} and no string; returns 60 or 32. */
    private static int config(ByteBuffer f, int ccmd, int length) {
        header(f, SHELF, RW, AoeHeader.CMD_CONFIG);
        ConfigArg.writeRequest(f, ccmd, new byte[0]);
        f.putShort(ConfigArg.STRING_LENGTH, (short) length);
        return length == 0 ? ConfigArg.STRING : AoeHeader.MIN_FRAME;
    }

    private static void broadcast(ByteBuffer f) {
        MacAddress.put(f, AoeHeader.DST, MacAddress.BROADCAST);
        f.putShort(AoeHeader.SHELF, (short) AoeHeader.BROADCAST_SHELF);
        f.put(AoeHeader.SLOT, (byte) AoeHeader.BROADCAST_SLOT);
    }

    private static ByteBuffer withTag(ByteBuffer f, int tag) {
        f.putInt(AoeHeader.TAG, tag);
        return f;
    }
}
