package dev.aoe.ata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentifyBlockTest {
    private static final int AT = 36;
    private final IdentifyBlock block = new IdentifyBlock("7.3:node-a", "V1", "aoe-operator disk");

    private static int word(ByteBuffer f, int w) {
        return (f.get(AT + 2 * w) & 0xFF) | (f.get(AT + 2 * w + 1) & 0xFF) << 8;
    }

    /** Un-swaps an ATA string the way Linux does for HDIO_GET_IDENTITY. */
    private static String string(ByteBuffer f, int word, int chars) {
        byte[] s = new byte[chars];
        for (int i = 0; i < chars; i++) {
            s[i] = f.get(AT + 2 * word + (i ^ 1));
        }
        return new String(s, StandardCharsets.US_ASCII);
    }

    private ByteBuffer identify(long sectors) {
        ByteBuffer f = ByteBuffer.allocateDirect(9216);
        block.writeTo(f, AT, sectors);
        return f;
    }

    @Test
    void stringsAreByteSwappedAndSpacePadded() {
        ByteBuffer f = identify(100);
        assertEquals("7.3:node-a          ", string(f, 10, 20));
        assertEquals("V1      ", string(f, 23, 8));
        assertEquals(String.format("%-40s", "aoe-operator disk"), string(f, 27, 40));
        // first character in the high byte of word 27
        assertEquals('a', f.get(AT + 2 * 27 + 1));
        assertEquals('o', f.get(AT + 2 * 27));
    }

    @Test
    void overlongStringsAreCut() {
        IdentifyBlock b = new IdentifyBlock("x".repeat(30), "firmware-too-long", "m".repeat(50));
        ByteBuffer f = ByteBuffer.allocateDirect(1024);
        b.writeTo(f, AT, 1);
        assertEquals("x".repeat(20), string(f, 10, 20));
        assertEquals("firmware", string(f, 23, 8));
        assertEquals("m".repeat(40), string(f, 27, 40));
        assertEquals(0x8000, word(f, 47), "strings do not spill into word 47");
    }

    @Test
    void lba48IsAdvertisedSupportedAndEnabled() {
        ByteBuffer f = identify(100);
        assertTrue((word(f, 83) & 0x0400) != 0, "word 83 bit 10");
        assertTrue((word(f, 86) & 0x0400) != 0, "word 86 bit 10");
        assertEquals(0x4000, word(f, 83) & 0xC000, "word 83: bit 14 set, bit 15 clear");
        assertEquals(0x4000, word(f, 84) & 0xC000);
        assertEquals(0x4000, word(f, 87) & 0xC000);
        assertTrue((word(f, 49) & 0x0200) != 0, "word 49 bit 9: LBA supported");
        assertEquals(0, word(f, 82), "no SMART advertised");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 64L, 0x0FFF_FFFEL, 0x0FFF_FFFFL, 0x1000_0000L, 0x1_2345_6789L, 0xFFFF_FFFF_FFFFL})
    void capacityWordsAreFilledAndLba28IsCapped(long sectors) {
        ByteBuffer f = identify(sectors);
        long lba28 = word(f, 60) | (long) word(f, 61) << 16;
        assertEquals(Math.min(sectors, 0x0FFF_FFFFL), lba28, "words 60-61");
        long lba48 = 0;
        for (int w = 3; w >= 0; w--) {
            lba48 = lba48 << 16 | word(f, 100 + w);
        }
        assertEquals(sectors, lba48, "words 100-103");
    }

    @Test
    void capacityIsPatchedOnEveryCopy() {
        ByteBuffer f = identify(0x2_0000_0000L);
        block.writeTo(f, AT, 10);
        assertEquals(10, word(f, 60));
        assertEquals(0, word(f, 61));
        assertEquals(10, word(f, 100));
        assertEquals(0, word(f, 101));
        assertEquals(0, word(f, 102));
    }

    @Test
    void blockIsExactly512BytesAndTouchesNothingBeyond() {
        ByteBuffer f = ByteBuffer.allocateDirect(1024);
        for (int i = 0; i < 1024; i++) {
            f.put(i, (byte) 0x5A);
        }
        block.writeTo(f, AT, 1234);
        assertEquals(0x5A, f.get(AT - 1));
        assertEquals(0x5A, f.get(AT + 512));
        assertEquals(0, f.get(AT + 511), "word 255 (no checksum) is zero");
    }
}
