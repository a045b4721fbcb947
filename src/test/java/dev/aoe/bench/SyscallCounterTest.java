package dev.aoe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SyscallCounterTest {
    /** What perf 6.1 writes with -x, -o FILE after a disable and SIGINT. */
    @Test
    void readsTheCountFromPerfsCsv() throws IOException {
        assertEquals(17050, SyscallCounter.count("""
                # started on Sun Dec  6 10:17:59 2026

                17050,,raw_syscalls:sys_enter,487567499,100.00,,
                """));
    }

    @Test
    void aCounterThatCountedNothingIsAnError() {
        IOException e = assertThrows(IOException.class, () -> SyscallCounter.count(
                "<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n"));
        assertEquals("perf counted no raw_syscalls:sys_enter: <not counted>,,raw_syscalls:sys_enter,0,100.00,,",
                e.getMessage());
        assertThrows(IOException.class, () -> SyscallCounter.count("# started on ...\n"));
    }
}
