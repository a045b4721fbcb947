package dev.aoe.bench;

import java.time.Duration;
import java.util.List;

/**
 * What to measure: every combination of buffer count, MTU, target, pattern, operation and
 * window, but no window larger than the buffer count (an initiator keeps at most as many
 * requests outstanding as the target advertises buffers) and no operation a target does not
 * take ({@link TargetKind#measures}).
 *
 * @param buffers          buffer counts both targets are started with and advertise, each a matrix of its own
 * @param warmup           unmeasured load before each cell, so each starts in a steady state
 * @param retransmitTimeout how long the initiator waits for a reply before sending again
 * @param runs             how many times the whole matrix runs; each figure reported is the median
 * @param syscalls         whether to count each target's system calls over each measured interval
 */
public record Plan(List<Integer> buffers, List<Integer> mtus, List<Integer> windows, List<AccessPattern> patterns,
                   List<Operation> operations, List<TargetKind> targets, Duration measured, Duration warmup,
                   long diskBytes, Duration retransmitTimeout, boolean memory, int runs, boolean syscalls) {
    /** Smallest MTU that carries a one-sector request: (MTU - 36) / 512 >= 1. */
    private static final int MIN_MTU = 548;
    /** Largest MTU whose frame fits the engine's and the generator's 9216-byte buffers. */
    private static final int MAX_MTU = 9000;
    /** The largest buffer count vblade takes and the AoE header carries comfortably. */
    private static final int MAX_BUFFERS = 16384;
    /** Target start, discovery and the unmeasured load of each operation before its first cell. */
    static final Duration START_WARMUP = Duration.ofSeconds(2);
    /**
     * What a target's start costs beyond its warm-up, on average on a busy 2-CPU machine: the
     * fsync of what the previous target left dirty, a JVM's start-up (vblade's is instant) and
     * discovery.
     */
    private static final Duration START = Duration.ofSeconds(4);

    public Plan {
        if (buffers.isEmpty() || mtus.isEmpty() || windows.isEmpty() || targets.isEmpty() || patterns.isEmpty()
                || operations.isEmpty()) {
            throw new IllegalArgumentException("need at least one buffer count, MTU, window, pattern, operation and target");
        }
        for (int w : windows) {
            if (w < 1 || w > LoadGenerator.MAX_WINDOW) {
                throw new IllegalArgumentException("windows are 1 to " + LoadGenerator.MAX_WINDOW + ", not " + w);
            }
        }
        for (int b : buffers) {
            if (b < 1 || b > MAX_BUFFERS) {
                throw new IllegalArgumentException("buffer counts are 1 to " + MAX_BUFFERS + ", not " + b);
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs);
        }
        for (int mtu : mtus) {
            if (mtu < MIN_MTU || mtu > MAX_MTU) {
                throw new IllegalArgumentException("MTUs are " + MIN_MTU + " to " + MAX_MTU + ", not " + mtu);
            }
        }
        buffers = List.copyOf(buffers);
        mtus = List.copyOf(mtus);
        windows = List.copyOf(windows);
        patterns = List.copyOf(patterns);
        operations = List.copyOf(operations);
        targets = List.copyOf(targets);
    }

    /** The windows measured at buffer count {@code buffers}: none larger. */
    public List<Integer> windows(int buffers) {
        return windows.stream().filter(w -> w <= buffers).toList();
    }

    /** The operations {@code target} is measured on. */
    public List<Operation> operations(TargetKind target) {
        return operations.stream().filter(target::measures).toList();
    }

    /** The largest buffer count: vblade's memory is probed with it. */
    public int largestBufferCount() {
        return buffers.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /**
     * About how long the whole plan takes: every cell's warm-up and measured time, and each
     * target start (once for reads and writes, once for durable writes) with its warm-up.
     */
    public Duration estimate() {
        long cellMillis = warmup.toMillis() + measured.toMillis();
        long millis = 0;
        for (int b : buffers) {
            for (TargetKind target : targets) {
                List<Operation> ops = operations(target);
                millis += (long) ops.size() * patterns.size() * windows(b).size() * cellMillis;
                millis += ops.size() * START_WARMUP.toMillis();
                millis += ops.stream().map(Operation::durable).distinct().count() * START.toMillis();
            }
        }
        return Duration.ofMillis(millis * mtus.size() * runs);
    }
}
