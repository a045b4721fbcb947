package dev.aoe.store;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human sizes, powers of 1024: {@code 512}, {@code 64K}, {@code 256M}, {@code 10G}, {@code 2T}, as
 * the command line takes them, and Kubernetes' {@code 10Gi}, {@code 512Mi}, as AoeExport specs carry
 * them. A trailing {@code B} is accepted too ({@code 10GB}, {@code 10GiB}).
 */
public final class Sizes {
    private static final String UNITS = "KMGTP";
    private static final Pattern SIZE = Pattern.compile("(\\d+)(?:([KMGTP])I?)?B?");

    private Sizes() {
    }

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw notASize(text);
        }
        int shift = m.group(2) == null ? 0 : 10 * (UNITS.indexOf(m.group(2)) + 1);
        try {
            long value = Long.parseLong(m.group(1));
            long bytes = value << shift;
            if (bytes >> shift != value) {
                throw notASize(text);
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw notASize(text);
        }
    }

    private static IllegalArgumentException notASize(String text) {
        return new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 64M, 10G, 10Gi)");
    }

    /** For people: {@code 64.0 MiB}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (10 * unit)), UNITS.charAt(unit - 1));
    }

    /**
     * As Kubernetes writes quantities, the shorter of the largest exact binary unit ({@code 10Gi},
     * {@code 1536Mi}) and the largest exact decimal one ({@code 1G} for 10^9 bytes); binary on a tie.
     */
    public static String quantity(long bytes) {
        String binary = reduced(bytes, 1024, "KMGTP", "i");
        String decimal = reduced(bytes, 1000, "kMGTP", "");
        return decimal.length() < binary.length() ? decimal : binary;
    }

    private static String reduced(long bytes, int base, String units, String suffix) {
        int unit = 0;
        while (unit < units.length() && bytes != 0 && bytes % base == 0) {
            bytes /= base;
            unit++;
        }
        return unit == 0 ? Long.toString(bytes) : bytes + units.substring(unit - 1, unit) + suffix;
    }
}
