package dev.aoe.bench;

/**
 * One measured cell of the matrix.
 *
 * @param targetCpuSeconds user + system CPU of the target process over the measured interval
 * @param collections      garbage collections of the target over the interval; -1 when the
 *                         target has no garbage collector (vblade)
 */
public record CellResult(int mtu, AccessPattern pattern, Operation operation, int window, TargetKind target,
                         int sectorsPerFrame, LoadResult load, double targetCpuSeconds, long collections) {
    private static final double MILLION = 1e6;

    public double iops() {
        return load.iops();
    }

    public double megabytesPerSecond() {
        return load.iops() * sectorsPerFrame * 512 / MILLION;
    }

    /** Target CPU seconds per million requests: the efficiency figure, fair on a shared machine. */
    public double targetCpuPerMillion() {
        return perMillion(targetCpuSeconds);
    }

    public double generatorCpuPerMillion() {
        return perMillion(load.generatorCpuSeconds());
    }

    /**
     * Whether the load generator may have been the bottleneck: it spent at least as much CPU per
     * request as the target, so it could not have offered the target more than it served.
     */
    public boolean initiatorBound() {
        return load.generatorCpuSeconds() >= targetCpuSeconds;
    }

    /** Whether {@code other} is the same cell for another target. */
    public boolean sameCell(CellResult other) {
        return mtu == other.mtu && pattern == other.pattern && operation == other.operation && window == other.window;
    }

    private double perMillion(double seconds) {
        return load.requests() == 0 ? Double.NaN : seconds / load.requests() * MILLION;
    }
}
