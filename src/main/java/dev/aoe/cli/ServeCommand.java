package dev.aoe.cli;

import dev.aoe.engine.Engine;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.metrics.EngineMeters;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Serve a file or block device as AoE target e<SHELF>.<SLOT>, like vblade.",
                "Writes are acknowledged only once durable unless --write-back is given.",
                "Runs until interrupted (Ctrl-C or SIGTERM).",
                "SIGHUP reloads: the exports file is read again (grown --create sizes are applied live, added",
                "lines served, removed ones stopped; other changes need a restart), and every source is",
                "measured again, so a file or device that grew is served whole:",
                "  truncate -s +1G disk1.img; kill -HUP <pid>"},
        footer = {"", "Examples:",
                "  aoe serve --create 10G 1 0 eth0 /var/lib/aoe/disk1.img",
                "  aoe serve -r -m 52:54:00:12:34:56 1 1 eth0 /dev/disk/by-id/ata-EXAMPLE",
                "  aoe serve 1 2 eth0,eth1 /var/lib/aoe/disk2.img    (multipath: one disk on two links)",
                "  aoe serve --exports /etc/aoe/exports.conf",
                "  aoe serve --metrics 127.0.0.1:9100 1 0 eth0 /var/lib/aoe/disk1.img",
                "", "An exports file has one export per line, written as this command's arguments."})
public class ServeCommand implements Callable<Integer> {
    @Mixin
    ExportOptions export;

    @Option(names = {"-f", "--exports"}, paramLabel = "FILE",
            description = "Serve every export listed in FILE (one per line: [options] SHELF SLOT IFACE PATH).")
    Path exportsFile;

    @Mixin
    EngineOptions engineOptions;

    // bin/aoe reads this option before the JVM starts and sets QUARKUS_HTTP_HOST_ENABLED, _HOST and
    // _PORT from it: Quarkus binds its HTTP server at startup, before this command runs.
    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = {"Serve Prometheus metrics at http://ADDR:PORT/q/metrics (default: off).",
                    "Needs bin/aoe; with java -jar, set QUARKUS_HTTP_HOST_ENABLED=true, QUARKUS_HTTP_HOST and "
                            + "QUARKUS_HTTP_PORT instead."})
    String metrics;

    @Inject
    PrometheusMeterRegistry registry;

    @Override
    public Integer call() throws IOException {
        List<ExportSpec> specs;
        try {
            if (exportsFile != null && export.hasTarget()) {
                throw new IllegalArgumentException("give either SHELF SLOT IFACE PATH or --exports FILE, not both");
            }
            specs = exportsFile != null ? ExportsFile.read(exportsFile) : List.of(export.toSpec());
        } catch (IllegalArgumentException e) {
            return Cli.fail("serve", e.getMessage());
        }
        if (metrics != null && !httpServing()) {
            return Cli.fail("serve", "--metrics " + metrics + ": no HTTP server was started; run through bin/aoe,"
                    + " or set QUARKUS_HTTP_HOST_ENABLED=true, QUARKUS_HTTP_HOST and QUARKUS_HTTP_PORT");
        }
        try (Engine engine = engineOptions.engine()) {
            // Counted whether or not anything scrapes: reading the counters is all metrics add.
            engine.listen(new EngineMeters(registry));
            for (ExportSpec spec : specs) {
                try {
                    ExportStatus s = engine.add(spec);
                    System.out.println(Cli.describe(s, spec));
                } catch (IOException | IllegalArgumentException e) {
                    Cli.fail("serve", spec.target() + ": " + e.getMessage());
                }
            }
            int serving = engine.served().size();
            if (serving == 0) {
                return Cli.FAILED;
            }
            ServeReload reload = new ServeReload(engine, exportsFile);
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.reload());
            System.out.println("serving " + serving + " of " + specs.size() + " export(s); Ctrl-C stops,"
                    + " SIGHUP reloads");
            Cli.waitForStop();
        }
        return 0;
    }

    private static boolean httpServing() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(false);
    }
}
