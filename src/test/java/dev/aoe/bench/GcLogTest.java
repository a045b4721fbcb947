package dev.aoe.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GcLogTest {
    @Test
    void countsCollectionsByTheirHighestId() {
        String log = """
                [0.004s][info][gc] Using G1
                [1.200s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms
                [2.100s][info][gc] GC(1) Pause Young (Concurrent Start) (Metadata GC Threshold) 20M->4M(256M) 3.1ms
                [2.101s][info][gc] GC(2) Concurrent Mark Cycle
                [2.150s][info][gc] GC(2) Concurrent Mark Cycle 49.0ms
                """;
        assertEquals(3, GcLog.collections(log));
        assertEquals(0, GcLog.collections("[0.004s][info][gc] Using G1\n"));
    }
}
