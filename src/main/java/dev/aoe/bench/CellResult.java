package dev.aoe.bench;

/**
 * One measured cell of the matrix, or the median of its runs.
 *
 * @param buffers          the buffer count the target was started with
 * @param targetCpuSeconds user + system CPU of the target process over the measured interval
 * @param collections      garbage collections of the target over the interval; -1 when the
 *                         target has no garbage collector (vblade, the ceiling)
 * @param syscalls         system calls the target made over the interval; -1 when not counted
 * @param spread           how far the runs' IOPS strayed from their median
 */
public record CellResult(int buffers, int mtu, AccessPattern pattern, Operation operation, int window,
                         TargetKind target, int sectorsPerFrame, LoadResult load, double targetCpuSeconds,
                         long collections, long syscalls, Spread spread) {
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

    /** The target's system calls per request; NaN when not counted. */
    public double syscallsPerRequest() {
        return syscalls < 0 || load.requests() == 0 ? Double.NaN : (double) syscalls / load.requests();
    }

    /**
     * Whether the load generator may have been the bottleneck: it spent at least as much CPU per
     * request as the target, so it could not have offered the target more than it served.
     */
    public boolean initiatorBound() {
        return load.generatorCpuSeconds() >= targetCpuSeconds;
    }

    /** Whether {@code other} is the same cell for another target (or another run). */
    public boolean sameCell(CellResult other) {
        return buffers == other.buffers && mtu == other.mtu && pattern == other.pattern
                && operation == other.operation && window == other.window;
    }

    /** "MTU 1500 rand read w16", for verdicts. */
    public String cellName() {
        return "MTU " + mtu + " " + pattern + " " + operation + " w" + window;
    }

    private double perMillion(double seconds) {
        return load.requests() == 0 ? Double.NaN : seconds / load.requests() * MILLION;
    }
}
