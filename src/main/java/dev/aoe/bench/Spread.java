package dev.aoe.bench;

import java.util.List;

/**
 * How far a cell's runs strayed from their median IOPS: the lowest and the highest run,
 * relative to the median ({@code -0.04} is 4 % below it).
 */
public record Spread(int runs, double low, double high) {
    /** One run: no spread to tell. */
    public static final Spread SINGLE = new Spread(1, 0, 0);

    /** The spread of {@code values} around {@code median}. */
    static Spread of(List<Double> values, double median) {
        if (values.size() < 2) {
            return SINGLE;
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new Spread(values.size(), min / median - 1, max / median - 1);
    }

    /** Whether every run lies within {@code bound} (0.15 for +/-15 %) of the median. */
    public boolean within(double bound) {
        return low >= -bound && high <= bound;
    }

    /** "-4%/+6%", or "-" for a single run. */
    @Override
    public String toString() {
        return runs < 2 ? "-" : Format.percentChange(low) + "/" + Format.percentChange(high);
    }
}
