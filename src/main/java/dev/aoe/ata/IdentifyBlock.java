package dev.aoe.ata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 512-byte IDENTIFY DEVICE block: 256 little-endian words. Built once per export; the
 * capacity words are patched in when the block is copied into a reply, so a grown source shows
 * its new size on the next identify.
 */
public final class IdentifyBlock {
    private static final int SERIAL = 10;
    private static final int SERIAL_CHARS = 20;
    private static final int FIRMWARE = 23;
    private static final int FIRMWARE_CHARS = 8;
    private static final int MODEL = 27;
    private static final int MODEL_CHARS = 40;
    private static final int LBA28_SECTORS = 60;
    private static final int LBA48_SECTORS = 100;

    private final byte[] block = new byte[Ata.SECTOR_SIZE];

    public IdentifyBlock(String serial, String firmware, String model) {
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        putString(b, SERIAL, SERIAL_CHARS, serial);
        putString(b, FIRMWARE, FIRMWARE_CHARS, firmware);
        putString(b, MODEL, MODEL_CHARS, model);
        putWord(b, 47, 0x8000);             // READ/WRITE MULTIPLE: none
        putWord(b, 49, 0x0200);             // LBA supported
        putWord(b, 50, 0x4000);
        putWord(b, 83, 0x4000 | 0x2000 | 0x1000 | 0x0400);  // FLUSH EXT, FLUSH, LBA48 supported
        putWord(b, 84, 0x4000);
        putWord(b, 86, 0x2000 | 0x1000 | 0x0400);           // ... and enabled
        putWord(b, 87, 0x4000);
        putWord(b, 93, 0x400B);             // hardware reset result, as real disks report
    }

    /** Copies the block into {@code dst} at {@code index} with the capacity of {@code sectors}. */
    public void writeTo(ByteBuffer dst, int index, long sectors) {
        dst.put(index, block);
        long lba28 = Math.min(sectors, Ata.LBA28_MASK);
        putWordAt(dst, index, LBA28_SECTORS, (int) lba28);
        putWordAt(dst, index, LBA28_SECTORS + 1, (int) (lba28 >>> 16));
        for (int w = 0; w < 4; w++) {
            putWordAt(dst, index, LBA48_SECTORS + w, (int) (sectors >>> (16 * w)));
        }
    }

    private static void putWordAt(ByteBuffer dst, int index, int word, int value) {
        dst.put(index + 2 * word, (byte) value);
        dst.put(index + 2 * word + 1, (byte) (value >>> 8));
    }

    private static void putWord(ByteBuffer b, int word, int value) {
        b.putShort(2 * word, (short) value);
    }

    /** ATA strings are space padded, two characters a word, the first in the high byte. */
    private static void putString(ByteBuffer b, int word, int chars, String text) {
        byte[] s = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chars; i++) {
            byte c = i < s.length ? s[i] : (byte) ' ';
            b.put(2 * word + (i ^ 1), c);
        }
    }
}
