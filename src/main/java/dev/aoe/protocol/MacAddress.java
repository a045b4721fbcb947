package dev.aoe.protocol;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * MAC addresses as the low 48 bits of a {@code long}, so that masks, reservations and frame
 * headers compare them without allocating.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    public static final int LENGTH = 6;
    /** The I/G bit: the least significant bit of the first octet, set in broadcast and multicast addresses. */
    private static final long GROUP_BIT = 0x01_00_00_00_00_00L;

    private MacAddress() {
    }

    /** Whether {@code mac} is a group (broadcast or multicast) address, which no station may send from. */
    public static boolean isGroup(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    public static long get(ByteBuffer f, int index) {
        return ((long) (f.getShort(index) & 0xFFFF) << 32) | (f.getInt(index + 2) & 0xFFFF_FFFFL);
    }

    public static void put(ByteBuffer f, int index, long mac) {
        f.putShort(index, (short) (mac >>> 32));
        f.putInt(index + 2, (int) mac);
    }

    public static long of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        long mac = 0;
        for (byte b : bytes) {
            mac = (mac << 8) | (b & 0xFF);
        }
        return mac;
    }

    /**
     * Parses a MAC as vblade's {@code -m} does: twelve hex digits, upper or lower case, with or
     * without {@code :} or {@code -} separators.
     */
    public static long parse(String text) {
        String hex = text.trim().replace(":", "").replace("-", "");
        if (hex.length() != 12 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "' (expected 12 hex digits, e.g. 52:54:00:12:34:56)");
        }
        return Long.parseLong(hex, 16);
    }

    public static String format(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xFF));
        }
        return s.toString();
    }

    /** Parses a comma-separated list of MACs (vblade's {@code -m}); blank means none. */
    public static long[] parseList(String list) {
        if (list.isBlank()) {
            return new long[0];
        }
        String[] parts = list.split(",");
        long[] macs = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            macs[i] = parse(parts[i]);
        }
        return macs;
    }

    public static String formatList(long[] macs) {
        StringBuilder s = new StringBuilder();
        for (long m : macs) {
            s.append(s.length() > 0 ? "," : "").append(format(m));
        }
        return s.toString();
    }
}
