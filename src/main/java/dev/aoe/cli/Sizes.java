package dev.aoe.cli;

import java.util.Locale;

/** Human sizes: {@code 512}, {@code 64K}, {@code 256M}, {@code 10G}, {@code 2T} (powers of 1024). */
final class Sizes {
    private static final String UNITS = "KMGTP";

    private Sizes() {
    }

    static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not a size: '" + text + "'");
        }
        int unit = UNITS.indexOf(s.charAt(s.length() - 1));
        String digits = unit >= 0 ? s.substring(0, s.length() - 1) : s;
        try {
            long value = Long.parseLong(digits);
            long bytes = value << (10 * (unit + 1));
            if (value < 0 || bytes >> (10 * (unit + 1)) != value) {
                throw new NumberFormatException();
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 64M, 10G)");
        }
    }

    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (10 * unit)), UNITS.charAt(unit - 1));
    }
}
