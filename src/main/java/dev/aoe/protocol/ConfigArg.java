package dev.aoe.protocol;

import java.nio.ByteBuffer;

/** The argument of command 1, Query Config Information (AoE r11 §3.2). */
public final class ConfigArg {
    public static final int BUFFER_COUNT = 24;
    public static final int FIRMWARE = 26;
    public static final int SECTOR_COUNT = 28;
    public static final int VERSION_CCMD = 29;
    public static final int STRING_LENGTH = 30;
    public static final int STRING = 32;
    public static final int MAX_STRING = 1024;

    public static final int CCMD_READ = 0;
    public static final int CCMD_TEST = 1;
    public static final int CCMD_TEST_PREFIX = 2;
    public static final int CCMD_SET = 3;
    public static final int CCMD_FORCE_SET = 4;

    private ConfigArg() {
    }

    /** The subcommand; the version nibble beside it is ignored (aoecfg leaves it 0). */
    public static int ccmd(ByteBuffer f) {
        return f.get(VERSION_CCMD) & 0x0F;
    }

    public static int bufferCount(ByteBuffer f) {
        return f.getShort(BUFFER_COUNT) & 0xFFFF;
    }

    public static int firmware(ByteBuffer f) {
        return f.getShort(FIRMWARE) & 0xFFFF;
    }

    /** Sectors per ATA frame the target accepts; 0 means 2 for backward compatibility. */
    public static int sectorCount(ByteBuffer f) {
        return f.get(SECTOR_COUNT) & 0xFF;
    }

    public static int stringLength(ByteBuffer f) {
        return f.getShort(STRING_LENGTH) & 0xFFFF;
    }

    public static byte[] string(ByteBuffer f, int frameLength) {
        int n = Math.min(stringLength(f), Math.max(0, frameLength - STRING));
        byte[] s = new byte[n];
        f.get(STRING, s);
        return s;
    }

    /** Writes a request: the counts are zero, the string follows. Returns the frame length. */
    public static int writeRequest(ByteBuffer f, int ccmd, byte[] string) {
        f.putShort(BUFFER_COUNT, (short) 0);
        f.putShort(FIRMWARE, (short) 0);
        f.put(SECTOR_COUNT, (byte) 0);
        f.put(VERSION_CCMD, (byte) ((AoeHeader.VERSION << 4) | ccmd));
        f.putShort(STRING_LENGTH, (short) string.length);
        f.put(STRING, string);
        return STRING + string.length;
    }

    /** Fills a reply's argument with the target's parameters and string; returns the frame length. */
    public static int writeReply(ByteBuffer f, int bufferCount, int firmware, int sectorCount, int ccmd,
                                 byte[] string) {
        f.putShort(BUFFER_COUNT, (short) bufferCount);
        f.putShort(FIRMWARE, (short) firmware);
        f.put(SECTOR_COUNT, (byte) sectorCount);
        f.put(VERSION_CCMD, (byte) ((AoeHeader.VERSION << 4) | ccmd));
        f.putShort(STRING_LENGTH, (short) string.length);
        f.put(STRING, string);
        return STRING + string.length;
    }
}
