package dev.aoe.protocol;

import java.nio.ByteBuffer;

/** The argument of command 0, Issue ATA Command (AoE r11 §3.1). */
public final class AtaArg {
    public static final int AFLAGS = 24;
    /** Features register in a request, Error register in a reply. */
    public static final int ERR_FEATURE = 25;
    public static final int SECTOR_COUNT = 26;
    /** Command register in a request, Status register in a reply. */
    public static final int CMD_STATUS = 27;
    public static final int LBA = 28;
    public static final int LBA_BYTES = 6;
    /** Where sector data starts, and the length of a reply without data. */
    public static final int DATA = 36;

    public static final int AFLAG_EXTENDED = 0x40;
    public static final int AFLAG_DEVICE = 0x10;
    public static final int AFLAG_ASYNC = 0x02;
    public static final int AFLAG_WRITE = 0x01;

    private AtaArg() {
    }

    public static int aflags(ByteBuffer f) {
        return f.get(AFLAGS) & 0xFF;
    }

    public static int sectorCount(ByteBuffer f) {
        return f.get(SECTOR_COUNT) & 0xFF;
    }

    public static int command(ByteBuffer f) {
        return f.get(CMD_STATUS) & 0xFF;
    }

    /** The 48-bit LBA, which AoE stores least-significant byte first unlike every other field. */
    public static long lba(ByteBuffer f) {
        long lba = 0;
        for (int i = LBA_BYTES - 1; i >= 0; i--) {
            lba = (lba << 8) | (f.get(LBA + i) & 0xFF);
        }
        return lba;
    }

    public static void putLba(ByteBuffer f, long lba) {
        for (int i = 0; i < LBA_BYTES; i++) {
            f.put(LBA + i, (byte) (lba >>> (8 * i)));
        }
    }

    /** Writes a request argument; reserved bytes are zeroed as r11 requires. */
    public static void writeRequest(ByteBuffer f, int aflags, int features, int sectorCount, int command, long lba) {
        f.put(AFLAGS, (byte) aflags);
        f.put(ERR_FEATURE, (byte) features);
        f.put(SECTOR_COUNT, (byte) sectorCount);
        f.put(CMD_STATUS, (byte) command);
        putLba(f, lba);
        f.putShort(LBA + LBA_BYTES, (short) 0);
    }

    /** Sets the reply's ATA registers: status, error and the sectors left to transfer. */
    public static void setResult(ByteBuffer f, int status, int error, int sectorsLeft) {
        f.put(CMD_STATUS, (byte) status);
        f.put(ERR_FEATURE, (byte) error);
        f.put(SECTOR_COUNT, (byte) sectorsLeft);
    }

    public static int status(ByteBuffer f) {
        return f.get(CMD_STATUS) & 0xFF;
    }

    public static int error(ByteBuffer f) {
        return f.get(ERR_FEATURE) & 0xFF;
    }
}
