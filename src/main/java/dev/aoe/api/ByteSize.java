package dev.aoe.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as written in an AoeExport ({@link FileSource#SIZE_PATTERN}): plain bytes or a number with a
 * suffix K, M, G, T, P, with or without {@code i}. Every suffix is a power of 1024, as in the
 * {@code serve} command: {@code 512M} and {@code 512Mi} are the same size.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile(FileSource.SIZE_PATTERN);
    private static final String UNITS = "KMGTP";

    private ByteSize() {
    }

    /** The size in bytes, or empty when the text is not a size or overflows a long. */
    public static Optional<Long> parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        int shift = m.group(1) == null ? 0 : 10 * (UNITS.indexOf(m.group(1).charAt(0)) + 1);
        String digits = m.group(1) == null ? text : text.substring(0, m.start(1));
        try {
            long value = Long.parseLong(digits);
            long bytes = value << shift;
            return bytes >> shift == value ? Optional.of(bytes) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The largest exact binary unit: {@code 10Gi}, {@code 1536Mi}, {@code 1000} (bytes). */
    public static String format(long bytes) {
        int unit = 0;
        while (unit < UNITS.length() && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? Long.toString(bytes) : bytes + UNITS.substring(unit - 1, unit) + "i";
    }
}
