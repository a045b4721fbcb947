package dev.aoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.bench.AccessPattern;
import dev.aoe.bench.Operation;
import dev.aoe.bench.Plan;
import dev.aoe.bench.TargetKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code aoe bench}'s options become a plan; nothing here runs a benchmark. */
class BenchCommandTest {
    private static final String NO_CC = "no C compiler (cc) to build the ceiling target: apt-get install gcc";

    private static Plan plan(String noCeiling, String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.plan(noCeiling, null);
    }

    @Test
    void defaultsMeasureTwoBufferCountsThreeTargetsAndEveryOperation() {
        Plan p = plan(null);
        assertEquals(List.of(16, 64), p.buffers());
        assertEquals(List.of(TargetKind.AOE, TargetKind.VBLADE, TargetKind.CEILING), p.targets());
        assertEquals(List.of(Operation.READ, Operation.WRITE, Operation.DURABLE_WRITE), p.operations());
        assertEquals(List.of(AccessPattern.SEQUENTIAL, AccessPattern.RANDOM), p.patterns());
        assertEquals(List.of(1500, 9000), p.mtus());
        assertEquals(List.of(1, 16, 64), p.windows());
        assertEquals(Duration.ofSeconds(3), p.measured());
        assertFalse(p.syscalls());
    }

    @Test
    void buffersOpsPatternsAndSyscallsAreParsed() {
        Plan p = plan(null, "--buffers", "32", "--ops", "read,durable-write", "--patterns", "rand", "--syscalls",
                "--targets", "vblade,aoe");
        assertEquals(List.of(32), p.buffers());
        assertEquals(List.of(Operation.READ, Operation.DURABLE_WRITE), p.operations());
        assertEquals(List.of(AccessPattern.RANDOM), p.patterns());
        assertEquals(List.of(TargetKind.VBLADE, TargetKind.AOE), p.targets());
        assertTrue(p.syscalls());
    }

    @Test
    void quickKeepsTheBufferCounts() {
        Plan p = plan(null, "--quick", "--buffers", "16");
        assertEquals(List.of(16), p.buffers());
        assertEquals(List.of(1, 16), p.windows());
        assertEquals(List.of(1500), p.mtus());
    }

    @Test
    void unknownNamesAreRejectedWithTheChoices() {
        assertEquals("unknown operation 'trim': choose read, write, durable-write",
                assertThrows(IllegalArgumentException.class, () -> plan(null, "--ops", "trim")).getMessage());
        assertEquals("unknown pattern 'zipf': choose seq, rand",
                assertThrows(IllegalArgumentException.class, () -> plan(null, "--patterns", "zipf")).getMessage());
        assertEquals("unknown target 'tgtd': choose aoe, vblade or ceiling",
                assertThrows(IllegalArgumentException.class, () -> plan(null, "--targets", "tgtd")).getMessage());
    }

    @Test
    void withoutACompilerTheDefaultLeavesTheCeilingOutAndAnExplicitCeilingFails() {
        assertEquals(List.of(TargetKind.AOE, TargetKind.VBLADE), plan(NO_CC).targets());
        assertEquals("--targets ceiling: " + NO_CC, assertThrows(IllegalArgumentException.class,
                () -> plan(NO_CC, "--targets", "aoe,ceiling")).getMessage());
        assertEquals(List.of(TargetKind.AOE), plan(NO_CC, "--targets", "aoe").targets());
    }

    @Test
    void aoeJarNamesTheBuildMeasuredAndMustExist(@TempDir Path dir) throws IOException {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--aoe-jar", dir.resolve("missing.jar").toString());
        assertEquals("--aoe-jar: no file " + dir.resolve("missing.jar"),
                assertThrows(IllegalArgumentException.class, command::engine).getMessage());
        Path jar = Files.createFile(dir.resolve("quarkus-run.jar"));
        new CommandLine(command).parseArgs("--aoe-jar", jar.toString());
        assertEquals(jar.toAbsolutePath(), command.engine());
    }

    @Test
    void syscallsWithoutPerfFailWithTheReason() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--syscalls");
        assertEquals("--syscalls needs perf (apt-get install linux-perf)", assertThrows(IllegalArgumentException.class,
                () -> command.plan(null, "--syscalls needs perf (apt-get install linux-perf)")).getMessage());
    }
}
