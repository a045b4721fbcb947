package dev.aoe.bench;

import java.util.Locale;

/** Number formats of the benchmark's tables. */
final class Format {
    private static final double NANOS_PER_MICRO = 1e3;

    private Format() {
    }

    static String integer(double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }

    static String decimal(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** Microseconds with one decimal below 100 µs, whole above. */
    static String micros(long nanos) {
        double micros = nanos / NANOS_PER_MICRO;
        return micros < 100 ? decimal(micros) : integer(micros);
    }

    /** A change as a signed whole percentage: "+6%", "-4%". */
    static String percentChange(double fraction) {
        return String.format(Locale.ROOT, "%+.0f%%", fraction * 100);
    }

    /** A share as a whole percentage: "83%"; "-" when unknown. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) || Double.isInfinite(fraction) ? "-"
                : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
