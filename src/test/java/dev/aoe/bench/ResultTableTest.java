package dev.aoe.bench;

import static dev.aoe.bench.BenchCells.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final List<CellResult> CELLS = List.of(
            cell(TargetKind.AOE, 16, 1500, AccessPattern.RANDOM, Operation.READ, 16, 80_000, 5,
                    new Spread(3, -0.04, 0.06)),
            cell(TargetKind.CEILING, 16, 1500, AccessPattern.RANDOM, Operation.READ, 16, 100_000, 2,
                    new Spread(3, -0.01, 0.01)),
            cell(TargetKind.AOE, 16, 1500, AccessPattern.RANDOM, Operation.WRITE, 16, 50_000, 10, Spread.SINGLE));

    @Test
    void showsTheCeilingShareAndLeavesOutWhatWasNotMeasured() {
        assertEquals("""
                | mtu | pattern | op | window | target | IOPS | % ceiling | MB/s | p50 µs | p99 µs | CPU s/1M req \
                | initiator CPU s/1M | retx | errors | GCs | note |
                | ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
                | 1500 | rand | read | 16 | aoe | 80000 | 80% | 81.9 | 100 | 100 | 5.0 | 1.0 | 0 | 0 | 0 |  |
                | 1500 | rand | read | 16 | ceiling | 100000 | - | 102.4 | 100 | 100 | 2.0 | 1.0 | 0 | 0 | - |  |
                | 1500 | rand | write | 16 | aoe | 50000 | - | 51.2 | 100 | 100 | 10.0 | 1.0 | 0 | 0 | 0 |  |
                """, ResultTable.render(CELLS, true, false, false));
    }

    @Test
    void showsTheSpreadOfSeveralRunsAndSystemCallsPerRequest() {
        String table = ResultTable.render(CELLS, false, true, true);
        List<String> lines = table.lines().toList();
        assertEquals(" mtu  pattern  op     window  target     IOPS  IOPS min/max  % ceiling   MB/s  p50 µs  p99 µs"
                + "  CPU s/1M req  syscalls/req  initiator CPU s/1M  retx  errors  GCs  note", lines.get(0));
        assertEquals("1500  rand     read       16  aoe       80000       -4%/+6%        80%   81.9     100     100"
                + "           5.0           2.0                 1.0     0       0    0", lines.get(1));
        assertEquals(4, lines.size());
        assertEquals(true, lines.get(3).contains("         -  "), "a single run has no spread: " + lines.get(3));
    }
}
