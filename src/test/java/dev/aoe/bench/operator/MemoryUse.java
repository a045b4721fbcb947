package dev.aoe.bench.operator;

import dev.aoe.bench.ProcStats;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/** This JVM's heap in use after a full collection, and its resident set (VmRSS). */
record MemoryUse(long heapBytes, long residentBytes) {
    static MemoryUse measure() throws IOException {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return new MemoryUse(memory.getHeapMemoryUsage().getUsed(), ProcStats.residentBytes(ProcessHandle.current().pid()));
    }
}
