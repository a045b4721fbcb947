package dev.aoe.bench;

import java.time.Duration;
import java.util.List;

/**
 * What to measure: every combination of MTU, target, pattern, operation and window.
 *
 * @param warmup           unmeasured load before each cell, so each starts in a steady state
 * @param retransmitTimeout how long the initiator waits for a reply before sending again
 * @param runs             how many times the whole matrix runs; each figure reported is the median
 */
public record Plan(List<Integer> mtus, List<Integer> windows, List<AccessPattern> patterns,
                   List<Operation> operations, List<TargetKind> targets, Duration measured, Duration warmup,
                   long diskBytes, Duration retransmitTimeout, boolean memory, int runs) {
    /** Smallest MTU that carries a one-sector request: (MTU - 36) / 512 >= 1. */
    private static final int MIN_MTU = 548;
    /** Largest MTU whose frame fits the engine's and the generator's 9216-byte buffers. */
    private static final int MAX_MTU = 9000;

    public Plan {
        if (mtus.isEmpty() || windows.isEmpty() || targets.isEmpty()) {
            throw new IllegalArgumentException("need at least one MTU, window and target");
        }
        for (int w : windows) {
            if (w < 1 || w > LoadGenerator.MAX_WINDOW) {
                throw new IllegalArgumentException("windows are 1 to " + LoadGenerator.MAX_WINDOW + ", not " + w);
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
    }

    /** Buffer count both targets advertise: room for the largest window, at least vblade's default 16. */
    public int bufferCount() {
        return Math.max(16, windows.stream().mapToInt(Integer::intValue).max().orElse(1));
    }
}
