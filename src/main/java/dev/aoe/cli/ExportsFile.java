package dev.aoe.cli;

import dev.aoe.engine.ExportSpec;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Several exports for one {@code serve} process: one export per line, written exactly as the
 * arguments of {@code aoe serve} (for example {@code -r -m 52:54:00:12:34:56 1 0 eth0 /srv/a.img});
 * blank lines and lines starting with {@code #} are ignored. A bad line stops the whole file,
 * naming the line, before anything is served.
 */
final class ExportsFile {
    private ExportsFile() {
    }

    static List<ExportSpec> read(Path file) throws IOException {
        List<ExportSpec> specs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            ExportOptions options = new ExportOptions();
            try {
                new CommandLine(options).parseArgs(line.split("\\s+"));
                specs.add(options.toSpec());
            } catch (CommandLine.ParameterException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no export (one per line: [options] SHELF SLOT IFACE PATH)");
        }
        return specs;
    }
}
