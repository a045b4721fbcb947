package dev.aoe.cli;

import dev.aoe.engine.Engine;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
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
                "Runs until interrupted (Ctrl-C or SIGTERM)."},
        footer = {"", "Examples:",
                "  aoe serve --create 10G 1 0 eth0 /var/lib/aoe/disk1.img",
                "  aoe serve -r -m 52:54:00:12:34:56 1 1 eth0 /dev/disk/by-id/ata-EXAMPLE",
                "  aoe serve --exports /etc/aoe/exports.conf",
                "", "An exports file has one export per line, written as this command's arguments."})
public class ServeCommand implements Callable<Integer> {
    @Mixin
    ExportOptions export;

    @Option(names = {"-f", "--exports"}, paramLabel = "FILE",
            description = "Serve every export listed in FILE (one per line: [options] SHELF SLOT IFACE PATH).")
    Path exportsFile;

    @Mixin
    EngineOptions engineOptions;

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
        try (Engine engine = engineOptions.engine()) {
            int serving = 0;
            for (ExportSpec spec : specs) {
                try {
                    ExportStatus s = engine.add(spec);
                    serving++;
                    System.out.println(Cli.describe(s, spec));
                } catch (IOException | IllegalArgumentException e) {
                    Cli.fail("serve", spec.target() + ": " + e.getMessage());
                }
            }
            if (serving == 0) {
                return Cli.FAILED;
            }
            System.out.println("serving " + serving + " of " + specs.size() + " export(s); Ctrl-C stops");
            Cli.waitForStop();
        }
        return 0;
    }
}
