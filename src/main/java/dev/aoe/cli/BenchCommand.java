package dev.aoe.cli;

import dev.aoe.bench.AccessPattern;
import dev.aoe.bench.BenchLink;
import dev.aoe.bench.Benchmark;
import dev.aoe.bench.CellResult;
import dev.aoe.bench.Ceiling;
import dev.aoe.bench.MemoryProbe;
import dev.aoe.bench.Operation;
import dev.aoe.bench.Plan;
import dev.aoe.bench.Report;
import dev.aoe.bench.SyscallCounter;
import dev.aoe.bench.TargetKind;
import dev.aoe.bench.TargetProcess;
import dev.aoe.store.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Compare this engine with vblade and a storage-less ceiling on a private veth",
                "link: the same fully allocated file, the same load from one initiator; per",
                "buffer count a table of IOPS, MB/s, latency and target CPU per request, and",
                "the performance targets, met or not.",
                "Needs root (network namespaces, raw sockets), vblade (apt-get install",
                "vblade) and, for the ceiling, a C compiler (apt-get install gcc);",
                "--syscalls needs perf.",
                "A run with the defaults takes about 10 minutes, with --runs 3 about 31 (it",
                "prints its estimate when it starts); --ops, --patterns, --mtu, --window and",
                "--buffers make it shorter."})
public class BenchCommand implements Callable<Integer> {
    private static final String DEFAULT_TARGETS = "aoe,vblade,ceiling";
    private static final List<Integer> QUICK_WINDOWS = List.of(1, 16);
    private static final Duration QUICK_SECONDS = Duration.ofSeconds(1);
    private static final long QUICK_SIZE = 32L << 20;
    /** Exit status of a process ended by a signal: 128 + the signal's number, as shells report it. */
    private static final int INTERRUPTED_STATUS = 128;

    @Option(names = "--buffers", split = ",", paramLabel = "N", defaultValue = "16,64",
            description = "Buffer counts both targets are started with (aoe serve -b N, vblade -b N), each a matrix"
                    + " of its own; windows larger than the count are left out (default: ${DEFAULT-VALUE}).")
    List<Integer> buffers;

    @Option(names = "--mtu", split = ",", paramLabel = "N", defaultValue = "1500,9000",
            description = "MTUs of the link (default: ${DEFAULT-VALUE}).")
    List<Integer> mtus;

    @Option(names = "--window", split = ",", paramLabel = "N", defaultValue = "1,16,64",
            description = "Requests outstanding at once (default: ${DEFAULT-VALUE}).")
    List<Integer> windows;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "3", description = "Measured seconds per cell (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup-ms", paramLabel = "MS", defaultValue = "500",
            description = "Unmeasured load before each cell (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "256M",
            description = "Size of the fully allocated file both targets serve (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--ops", split = ",", paramLabel = "OP", defaultValue = "read,write,durable-write",
            description = "Operations to measure (default: ${DEFAULT-VALUE}).")
    List<String> operations;

    @Option(names = "--patterns", split = ",", paramLabel = "P", defaultValue = "seq,rand",
            description = "Access patterns to measure (default: ${DEFAULT-VALUE}).")
    List<String> patterns;

    @Option(names = "--targets", split = ",", paramLabel = "T",
            description = "Targets to measure: aoe, vblade, ceiling (default: " + DEFAULT_TARGETS
                    + "; the ceiling is left out, saying why, where no C compiler is installed).")
    List<String> targets;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/var/tmp",
            description = "Where the file lives: its file system takes the durable writes (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Option(names = "--retransmit-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Initiator's retransmit timeout (default: ${DEFAULT-VALUE}).")
    long retransmitMillis;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
            description = "Run the whole matrix N times and report each figure's median (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--aoe-jar", paramLabel = "JAR",
            description = "Measure another build of the engine as aoe (its target/quarkus-app/quarkus-run.jar),"
                    + " e.g. the one before a change (default: this build).")
    Path aoeJar;

    @Option(names = "--syscalls", description = "Count each target's system calls per request over each measured"
            + " interval (perf stat -e raw_syscalls:sys_enter); this adds to the targets' CPU figures.")
    boolean syscalls;

    @Option(names = "--quick", description = "A tiny matrix for a smoke check: MTU 1500, windows 1 and 16, 1 s cells, 32 MiB, no memory probe.")
    boolean quick;

    @Option(names = "--markdown", description = "Print the tables as Markdown (for docs/BENCHMARKS.md).")
    boolean markdown;

    @Override
    public Integer call() throws Exception {
        Plan plan;
        Path engine;
        try {
            plan = plan(Ceiling.unavailable(), syscalls ? SyscallCounter.unavailable() : null);
            engine = engine();
        } catch (IllegalArgumentException e) {
            return Cli.fail("bench", e.getMessage());
        }
        long estimate = plan.estimate().toSeconds();
        System.err.println("==> about " + Math.round(estimate / 60.0) + " min (" + estimate
                + " s) of load, target starts and warm-ups, before the memory probe");
        Path work = Files.createTempDirectory(directory, "aoe-bench");
        BenchLink link = BenchLink.create();
        Benchmark benchmark = new Benchmark(plan, link, engine, work, System.err);
        // Ctrl-C or SIGTERM: Quarkus would only ask the command to finish, which takes the whole
        // matrix; stop the target, delete the namespaces and exit at once instead.
        for (String name : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                cleanUp(benchmark, link, work);
                Runtime.getRuntime().halt(INTERRUPTED_STATUS + signal.getNumber());
            });
        }
        Thread cleanup = new Thread(() -> cleanUp(benchmark, link, work), "aoe-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            List<CellResult> results = benchmark.run();
            Report report = new Report(plan, results);
            if (aoeJar != null) {
                report.setOtherEngine(engine);
            }
            if (plan.memory()) {
                MemoryProbe memory = new MemoryProbe(link, engine, work);
                link.setMtu(plan.mtus().get(0));
                report.setMemory(memory.engineResidentBytes(1), memory.engineResidentBytes(MemoryProbe.MANY_EXPORTS),
                        plan.targets().contains(TargetKind.VBLADE)
                                ? memory.vbladeResidentBytes(benchmark.disk(), plan.largestBufferCount()) : -1);
            }
            System.out.print(report.render(markdown));
            return 0;
        } finally {
            cleanUp(benchmark, link, work);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** The build measured as aoe: {@code --aoe-jar}, or the one that runs this command. */
    Path engine() {
        if (aoeJar == null) {
            return TargetProcess.thisEngine();
        }
        if (!Files.isRegularFile(aoeJar)) {
            throw new IllegalArgumentException("--aoe-jar: no file " + aoeJar);
        }
        return aoeJar.toAbsolutePath();
    }

    /**
     * The plan the options ask for.
     *
     * @param noCeiling  why the ceiling cannot be built here, or null
     * @param noSyscalls why system calls cannot be counted here, or null
     */
    Plan plan(String noCeiling, String noSyscalls) {
        if (noSyscalls != null) {
            throw new IllegalArgumentException(noSyscalls);
        }
        List<TargetKind> kinds = targets(noCeiling);
        List<AccessPattern> accessPatterns = patterns.stream().map(AccessPattern::parse).distinct().toList();
        List<Operation> ops = operations.stream().map(Operation::parse).distinct().toList();
        List<Integer> bufferCounts = buffers.stream().distinct().toList();
        if (quick) {
            return new Plan(bufferCounts, List.of(mtus.get(0)), QUICK_WINDOWS, accessPatterns, ops, kinds, QUICK_SECONDS,
                    Duration.ofMillis(warmupMillis), QUICK_SIZE, Duration.ofMillis(retransmitMillis), false, runs,
                    syscalls);
        }
        return new Plan(bufferCounts, mtus, windows, accessPatterns, ops, kinds, Duration.ofMillis(Math.round(seconds * 1000)),
                Duration.ofMillis(warmupMillis), Sizes.parse(size), Duration.ofMillis(retransmitMillis), true, runs,
                syscalls);
    }

    /** The targets asked for; without a C compiler the default leaves the ceiling out, saying why, and --targets fails. */
    private List<TargetKind> targets(String noCeiling) {
        List<TargetKind> kinds = (targets == null ? List.of(DEFAULT_TARGETS.split(",")) : targets).stream()
                .map(TargetKind::parse).distinct().toList();
        if (noCeiling == null || !kinds.contains(TargetKind.CEILING)) {
            return kinds;
        }
        if (targets != null) {
            throw new IllegalArgumentException("--targets ceiling: " + noCeiling);
        }
        System.err.println("aoe bench: the ceiling is left out: " + noCeiling);
        return kinds.stream().filter(k -> k != TargetKind.CEILING).toList();
    }

    private static void cleanUp(Benchmark benchmark, BenchLink link, Path work) {
        benchmark.stopTarget();
        link.close();
        if (!Files.exists(work)) {
            return;
        }
        try {
            Cli.deleteTree(work);
        } catch (IOException e) {
            System.err.println("aoe bench: warning: cannot delete " + work + ": " + e.getMessage());
        }
    }
}
