package dev.aoe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
    private static Plan plan(List<Integer> buffers, List<TargetKind> targets, List<Operation> ops, int runs) {
        return new Plan(buffers, List.of(1500, 9000), List.of(1, 16, 64), List.of(AccessPattern.values()), ops,
                targets, Duration.ofSeconds(3), Duration.ofMillis(500), 256L << 20, Duration.ofSeconds(1), true, runs,
                false);
    }

    @Test
    void noWindowIsLargerThanTheBufferCount() {
        Plan p = plan(List.of(16, 64), List.of(TargetKind.AOE), List.of(Operation.values()), 1);
        assertEquals(List.of(1, 16), p.windows(16));
        assertEquals(List.of(1, 16, 64), p.windows(64));
        assertEquals(64, p.largestBufferCount());
    }

    @Test
    void theCeilingIsMeasuredOnReadsOnly() {
        Plan p = plan(List.of(16), List.of(TargetKind.CEILING), List.of(Operation.values()), 1);
        assertEquals(List.of(Operation.READ), p.operations(TargetKind.CEILING));
        assertEquals(List.of(Operation.values()), p.operations(TargetKind.AOE));
    }

    /** The figure --help and the docs give: a default run about 10 minutes, 3 runs about 31. */
    @Test
    void estimatesTheDefaultRun() {
        Plan p = plan(List.of(16, 64), List.of(TargetKind.values()), List.of(Operation.values()), 3);
        // Per MTU and run: at 16 buffers 12 + 12 + 4 cells, at 64 buffers 18 + 18 + 6, each 3.5 s, plus
        // 2 s of warm-up per target and operation and 4 s per target start.
        long perMtu = (28 + 42) * 3_500L + 2 * (3 + 3 + 1) * 2_000L + 2 * (2 + 2 + 1) * 4_000L;
        assertEquals(Duration.ofMillis(perMtu * 2 * 3), p.estimate());
        assertEquals(31, p.estimate().toMinutes());
    }

    @Test
    void rejectsWhatCannotRun() {
        List<TargetKind> aoe = List.of(TargetKind.AOE);
        List<Operation> ops = List.of(Operation.READ);
        assertThrows(IllegalArgumentException.class, () -> plan(List.of(), aoe, ops, 1));
        assertThrows(IllegalArgumentException.class, () -> plan(List.of(0), aoe, ops, 1));
        assertThrows(IllegalArgumentException.class, () -> plan(List.of(16), aoe, List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> plan(List.of(16), aoe, ops, 0));
    }
}
