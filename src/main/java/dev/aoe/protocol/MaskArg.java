package dev.aoe.protocol;

import java.nio.ByteBuffer;

/** The argument of command 2, MAC Mask List (AoE r11 §3.3). */
public final class MaskArg {
    public static final int RESERVED = 24;
    public static final int MCMD = 25;
    public static final int MERROR = 26;
    public static final int DIRECTIVE_COUNT = 27;
    public static final int DIRECTIVES = 28;
    /** One directive: reserved byte, DCmd, six MAC bytes. */
    public static final int DIRECTIVE_LENGTH = 8;
    private static final int DCMD_OFFSET = 1;
    private static final int MAC_OFFSET = 2;

    public static final int MCMD_READ = 0;
    public static final int MCMD_EDIT = 1;

    public static final int MERROR_NONE = 0;
    public static final int MERROR_UNSPECIFIED = 1;
    public static final int MERROR_BAD_DCMD = 2;
    public static final int MERROR_LIST_FULL = 3;

    public static final int DCMD_NONE = 0;
    public static final int DCMD_ADD = 1;
    public static final int DCMD_DELETE = 2;

    private MaskArg() {
    }

    public static int mcmd(ByteBuffer f) {
        return f.get(MCMD) & 0xFF;
    }

    public static int merror(ByteBuffer f) {
        return f.get(MERROR) & 0xFF;
    }

    public static int directiveCount(ByteBuffer f) {
        return f.get(DIRECTIVE_COUNT) & 0xFF;
    }

    public static int dcmd(ByteBuffer f, int i) {
        return f.get(DIRECTIVES + i * DIRECTIVE_LENGTH + DCMD_OFFSET) & 0xFF;
    }

    public static long mac(ByteBuffer f, int i) {
        return MacAddress.get(f, DIRECTIVES + i * DIRECTIVE_LENGTH + MAC_OFFSET);
    }

    public static void putDirective(ByteBuffer f, int i, int dcmd, long mac) {
        int at = DIRECTIVES + i * DIRECTIVE_LENGTH;
        f.put(at, (byte) 0);
        f.put(at + DCMD_OFFSET, (byte) dcmd);
        MacAddress.put(f, at + MAC_OFFSET, mac);
    }

    /** Writes the argument header; returns where the directives end for {@code count} of them. */
    public static int writeHeader(ByteBuffer f, int mcmd, int merror, int count) {
        f.put(RESERVED, (byte) 0);
        f.put(MCMD, (byte) mcmd);
        f.put(MERROR, (byte) merror);
        f.put(DIRECTIVE_COUNT, (byte) count);
        return DIRECTIVES + count * DIRECTIVE_LENGTH;
    }
}
