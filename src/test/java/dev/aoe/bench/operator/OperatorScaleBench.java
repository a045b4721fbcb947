package dev.aoe.bench.operator;

import dev.aoe.bench.Machine;
import dev.aoe.bench.ProcStats;
import dev.aoe.config.AoeConfig;
import dev.aoe.operator.AoeExportReconciler;
import dev.aoe.operator.EngineDaemonSet;
import dev.aoe.operator.EngineDaemonSetOwner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.smallrye.config.SmallRyeConfigBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The operator at scale, against the fabric8 mock API server in this JVM: many exports created at
 * once, the time until all are accepted, reconciles per export, heap and resident set, and the
 * cost of one more export. Run by {@code bench/operator-scale.sh}; lives with the tests because the
 * mock server is a test dependency, which the application does not ship.
 */
@Command(name = "operator-scale", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measure the operator with many AoeExports on the fabric8 mock API server (in this JVM).",
                "Prints one table; the figures include the mock server's CPU and heap."})
public final class OperatorScaleBench implements Callable<Integer> {
    private static final int CREATE_THREADS = 4;

    @Option(names = "--exports", paramLabel = "N", defaultValue = "1000",
            description = "Exports created at once (default: ${DEFAULT-VALUE}).")
    int exports;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "10",
            description = "Nodes, each with a Ready engine pod; exports are spread over them (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--quiet-seconds", paramLabel = "S", defaultValue = "5",
            description = "Wait after all are accepted, counting the reconciles that still happen (default: ${DEFAULT-VALUE}).")
    int quietSeconds;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "300",
            description = "Give up waiting for acceptance after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--crd", paramLabel = "FILE", defaultValue = "crds/aoeexports.aoe.dev-v1.yml",
            description = "The AoeExport CRD (default: ${DEFAULT-VALUE}).")
    Path crd;

    @Option(names = "--markdown", description = "Print the table as Markdown (for docs/BENCHMARKS.md).")
    boolean markdown;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OperatorScaleBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        AoeConfig config = new SmallRyeConfigBuilder().withMapping(AoeConfig.class).build().getConfigMapping(AoeConfig.class);
        try (MockCluster cluster = MockCluster.start()) {
            KubernetesClient client = cluster.client();
            cluster.registerCrd(crd);
            Map<String, String> engineSelector = new EngineDaemonSet(config).selector();
            for (int n = 0; n < nodes; n++) {
                cluster.readyNode(BenchExports.node(n, nodes), config.engine().namespace(), engineSelector);
            }
            ReconcileCounter counter = new ReconcileCounter();
            Operator operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false)
                    .withMetrics(counter));
            operator.register(new AoeExportReconciler(config));
            operator.start();
            EngineDaemonSetOwner engineDaemonSet = new EngineDaemonSetOwner(client, config);
            engineDaemonSet.startWith(operator);
            try {
                ScaleResult result = run(cluster, counter);
                System.out.println("#### aoe operator-scale, " + LocalDate.now());
                System.out.println();
                System.out.println("- machine: " + Machine.describe());
                System.out.println("- " + exports + " exports over " + nodes + " nodes; fabric8 mock API server "
                        + "(CRUD mode) in the same JVM; load average at the end " + loadAverage());
                System.out.println();
                System.out.print(ScaleReport.render(result, markdown));
            } finally {
                engineDaemonSet.close();
                operator.stop();
            }
        }
        return 0;
    }

    /** The 1, 5 and 15 minute load averages: on a shared machine, wall times mean little without them. */
    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private ScaleResult run(MockCluster cluster, ReconcileCounter counter) throws Exception {
        long quietMillis = TimeUnit.SECONDS.toMillis(quietSeconds);
        KubernetesClient client = cluster.client();
        Acceptance acceptance = new Acceptance(client, Duration.ofSeconds(timeoutSeconds));
        MemoryUse idle = MemoryUse.measure();
        long pid = ProcessHandle.current().pid();

        double cpuBefore = ProcStats.cpuSeconds(pid);
        int requestsBefore = cluster.requestCount();
        long start = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(CREATE_THREADS);
        try {
            IntStream.range(0, exports).forEach(i -> creators.submit(
                    () -> client.resource(BenchExports.export(i, nodes)).create()));
        } finally {
            creators.shutdown();
            creators.awaitTermination(timeoutSeconds, TimeUnit.SECONDS);
        }
        long created = System.nanoTime();
        long allAccepted = acceptance.awaitAll(exports);
        double cpuAfter = ProcStats.cpuSeconds(pid);
        ReconcileCounter.Snapshot atAccepted = counter.snapshot();
        Thread.sleep(quietMillis);
        ReconcileCounter.Snapshot settled = counter.snapshot();
        int requests = cluster.requestCount() - requestsBefore;
        MemoryUse loaded = MemoryUse.measure();
        Thread.sleep(quietMillis);
        ReconcileCounter.Snapshot beforeOneMore = counter.snapshot();
        long quietReconciles = beforeOneMore.total() - settled.total();

        var extra = BenchExports.export(exports, nodes);
        long oneMoreStart = System.nanoTime();
        client.resource(extra).create();
        long oneMoreAccepted = acceptance.awaitOne(extra.getMetadata().getName());
        Thread.sleep(quietMillis);
        ReconcileCounter.Snapshot after = counter.snapshot();
        ResourceID extraId = new ResourceID(extra.getMetadata().getName());
        return new ScaleResult(exports, created - start, allAccepted - start, cpuAfter - cpuBefore,
                atAccepted, settled, requests, quietSeconds, quietReconciles, idle, loaded,
                oneMoreAccepted - oneMoreStart, after.perExport().getOrDefault(extraId, 0),
                after.othersSince(beforeOneMore, extraId));
    }
}
