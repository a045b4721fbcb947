package dev.aoe.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatsTest {
    @Test
    void cpuTicksAreUtimePlusStimeEvenWhenTheCommandHoldsSpacesAndParentheses() {
        String stat = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 30 0 100 0 0";
        assertEquals(325, ProcStats.cpuTicks(stat));
    }

    @Test
    void readsThisProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcStats.cpuSeconds(pid) > 0);
        assertTrue(ProcStats.residentBytes(pid) > 1 << 20);
    }

    @Test
    void statusFieldInKilobytes() {
        assertEquals(51200, ProcStats.statusKilobytes("Name:\tjava\nVmHWM:\t  60000 kB\nVmRSS:\t   51200 kB\n", "VmRSS"));
    }
}
