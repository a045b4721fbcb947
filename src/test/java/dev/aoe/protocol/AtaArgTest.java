package dev.aoe.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AtaArgTest {
    @Test
    void lbaIsLittleEndianByByteIndexLba0LeastSignificant() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AtaArg.putLba(f, 0x0000_0605_0403_0201L);
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, f.get(AtaArg.LBA + i), "lba" + i);
        }
        assertEquals(0x0605_0403_0201L, AtaArg.lba(f));
    }

    @Test
    void lbaReadsBytesAsUnsigned() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 6; i++) {
            f.put(AtaArg.LBA + i, (byte) 0xFF);
        }
        assertEquals(0xFFFF_FFFF_FFFFL, AtaArg.lba(f));
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 0xFFL, 0x100L, 0x0FFF_FFFFL, 0x1234_5678_9ABCL, 0xFFFF_FFFF_FFFFL})
    void lbaRoundTrips(long lba) {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AtaArg.putLba(f, lba);
        assertEquals(lba, AtaArg.lba(f));
    }

    @Test
    void writeRequestFillsRegistersAndZeroesReservedBytes() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        f.put(34, (byte) 0x77).put(35, (byte) 0x77);
        AtaArg.writeRequest(f, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 0x12, 2, 0x34, 5);
        assertEquals(0x41, AtaArg.aflags(f));
        assertEquals(0x12, f.get(AtaArg.ERR_FEATURE));
        assertEquals(2, AtaArg.sectorCount(f));
        assertEquals(0x34, AtaArg.command(f));
        assertEquals(5, AtaArg.lba(f));
        assertEquals(0, f.get(34));
        assertEquals(0, f.get(35));
    }

    @Test
    void setResultWritesStatusErrorAndCount() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        AtaArg.setResult(f, 0x41, 0x10, 0xFF);
        assertEquals(0x41, AtaArg.status(f));
        assertEquals(0x10, AtaArg.error(f));
        assertEquals(0xFF, AtaArg.sectorCount(f));
    }
}
