package dev.aoe.bench;

import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.NetNs;
import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the matrix, as many times as the plan says: for each buffer count, MTU and target,
 * starts the target as its own process on the shared link and disk, drives every cell from
 * this process's load generator, and samples the target's CPU, garbage collections and (when
 * asked) system calls around each measured interval. Targets run one at a time, each with the
 * same file, link, load and buffer count.
 */
public final class Benchmark {
    private static final LoadGenerator.Interval UNMEASURED = new LoadGenerator.Interval() {
        @Override
        public void opened() {
        }

        @Override
        public void closed() {
        }
    };

    private final Plan plan;
    private final BenchLink link;
    private final Path workDirectory;
    private final Path disk;
    private final PrintStream progress;
    private final List<CellResult> results = new ArrayList<>();
    /** The target now running, for the shutdown hook; null between targets. */
    private final Path engineJar;
    private volatile TargetProcess running;
    private Path ceiling;
    private int starts;

    /** Measures {@code engineJar} as the aoe target: this build or another, to compare the two. */
    public Benchmark(Plan plan, BenchLink link, Path engineJar, Path workDirectory, PrintStream progress) {
        this.plan = plan;
        this.engineJar = engineJar;
        this.link = link;
        this.workDirectory = workDirectory;
        this.disk = workDirectory.resolve("disk.img");
        this.progress = progress;
    }

    /** The fully allocated file both targets serve. */
    public Path disk() {
        return disk;
    }

    /** Stops the target that is running, if any: for a shutdown hook on Ctrl-C. */
    public void stopTarget() {
        TargetProcess t = running;
        if (t != null) {
            t.close();
        }
    }

    public List<CellResult> run() throws Exception {
        progress.println("==> disk: " + Format.mebibytes(plan.diskBytes()) + " fully allocated at " + disk);
        DiskImage.create(disk, plan.diskBytes());
        if (plan.targets().contains(TargetKind.CEILING)) {
            ceiling = Ceiling.compile(workDirectory);
            progress.println("==> ceiling: compiled " + ceiling);
        }
        RawSocket socket = NetNs.call(link.initiatorNamespace(),
                () -> RawSocket.open(BenchLink.INITIATOR_INTERFACE, Traffic.RESPONSES));
        try {
            LoadGenerator generator = new LoadGenerator(socket, plan.retransmitTimeout());
            // Each run measures every target in turn, so a slow spell of the machine falls on
            // one run of each rather than on every run of one target.
            for (int run = 1; run <= plan.runs(); run++) {
                if (plan.runs() > 1) {
                    progress.println("==> run " + run + " of " + plan.runs());
                }
                for (int buffers : plan.buffers()) {
                    for (int mtu : plan.mtus()) {
                        link.setMtu(mtu);
                        for (TargetKind kind : plan.targets()) {
                            for (boolean durable : new boolean[] {false, true}) {
                                List<Operation> ops = plan.operations(kind).stream()
                                        .filter(o -> o.durable() == durable).toList();
                                if (!ops.isEmpty()) {
                                    runTarget(generator, buffers, mtu, kind, durable, ops);
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            socket.close();
        }
        return results;
    }

    private void runTarget(LoadGenerator generator, int buffers, int mtu, TargetKind kind, boolean durable,
                           List<Operation> ops) throws Exception {
        DiskImage.sync(disk);
        GcLog gcLog = new GcLog(workDirectory.resolve("gc-" + (++starts) + ".log"));
        Path log = workDirectory.resolve(kind + "-" + starts + ".log");
        TargetProcess target = switch (kind) {
            case AOE -> TargetProcess.aoe(link, engineJar, List.of(gcLog.jvmOption()), aoeArguments(buffers, durable), log);
            case VBLADE -> TargetProcess.vblade(link, durable, buffers, disk, log);
            case CEILING -> TargetProcess.ceiling(link, ceiling, buffers, plan.diskBytes() / 512, log);
        };
        running = target;
        try {
            TargetInfo info = target.awaitDiscovery(link, TargetProcess.SHELF, TargetProcess.SLOT);
            int sectorsPerFrame = Math.min(info.sectorsPerFrame(), (mtu - 36) / 512);
            progress.println("==> " + kind + (durable ? " (durable writes)" : "") + ": pid " + target.pid()
                    + ", buffer count " + buffers + ", MTU " + mtu + ", " + sectorsPerFrame + " sectors per request");
            for (Operation op : ops) {
                Load warm = new Load(op, AccessPattern.RANDOM, Math.min(buffers, LoadGenerator.MAX_WINDOW),
                        sectorsPerFrame, plan.diskBytes() / 512);
                generator.run(info, warm, Plan.START_WARMUP, Duration.ZERO, UNMEASURED);
            }
            for (AccessPattern pattern : plan.patterns()) {
                for (Operation op : ops) {
                    for (int window : plan.windows(buffers)) {
                        Load load = new Load(op, pattern, window, sectorsPerFrame, plan.diskBytes() / 512);
                        CellResult r = measure(generator, info, load, buffers, mtu, kind, target.pid(),
                                kind == TargetKind.AOE ? gcLog : null);
                        results.add(r);
                        progress.printf("    %-4s %-13s w%-3d %9s IOPS  p50 %7s µs  CPU %6s s/1M req%s%n", pattern, op,
                                window, Format.integer(r.iops()), Format.micros(r.load().p50Nanos()),
                                Format.decimal(r.targetCpuPerMillion()),
                                r.syscalls() < 0 ? "" : "  " + Format.decimal(r.syscallsPerRequest()) + " syscalls/req");
                    }
                }
            }
        } finally {
            running = null;
            target.close();
        }
    }

    /** Only options every build of {@code serve} takes, so --aoe-jar can name an older one. */
    private List<String> aoeArguments(int buffers, boolean durable) {
        List<String> args = new ArrayList<>(List.of("-b", String.valueOf(buffers)));
        if (!durable) {
            args.add("--write-back");
        }
        args.addAll(List.of(String.valueOf(TargetProcess.SHELF), String.valueOf(TargetProcess.SLOT),
                BenchLink.TARGET_INTERFACE, disk.toString()));
        return args;
    }

    private CellResult measure(LoadGenerator generator, TargetInfo info, Load load, int buffers, int mtu,
                               TargetKind kind, long pid, GcLog gcLog) throws IOException {
        double[] cpu = new double[2];
        long[] gcs = new long[2];
        long syscalls = -1;
        // perf starts before the cell's warm-up, counting nothing until the interval opens.
        try (SyscallCounter counter = plan.syscalls()
                ? SyscallCounter.attach(pid, workDirectory, "perf-" + starts) : null) {
            LoadResult result = generator.run(info, load, plan.warmup(), plan.measured(), new LoadGenerator.Interval() {
                @Override
                public void opened() throws IOException {
                    if (counter != null) {
                        counter.start();
                    }
                    cpu[0] = ProcStats.cpuSeconds(pid);
                    gcs[0] = gcLog == null ? 0 : gcLog.collections();
                }

                @Override
                public void closed() throws IOException {
                    cpu[1] = ProcStats.cpuSeconds(pid);
                    gcs[1] = gcLog == null ? 0 : gcLog.collections();
                    if (counter != null) {
                        counter.stop();
                    }
                }
            });
            if (counter != null) {
                syscalls = counter.count();
            }
            return new CellResult(buffers, mtu, load.pattern(), load.operation(), load.window(), kind,
                    load.sectorsPerFrame(), result, cpu[1] - cpu[0], gcLog == null ? -1 : gcs[1] - gcs[0], syscalls,
                    Spread.SINGLE);
        }
    }
}
