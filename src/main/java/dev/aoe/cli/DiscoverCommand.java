package dev.aoe.cli;

import dev.aoe.bench.TextTable;
import dev.aoe.initiator.Identity;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "discover", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"List the AoE targets that answer on a link, like aoe-stat without the aoe driver.",
                "Asks the given interfaces, or every interface that is up. Needs CAP_NET_RAW."},
        footer = {"", "Example:", "  aoe discover eth0"})
public class DiscoverCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IFACE", arity = "0..*", description = "Interfaces to ask (default: every interface that is up, except lo).")
    List<String> interfaces = new ArrayList<>();

    @Option(names = {"-t", "--wait-ms"}, paramLabel = "MS", defaultValue = "1000",
            description = "How long to collect answers on each interface (default: ${DEFAULT-VALUE}).")
    long waitMillis;

    @Override
    public Integer call() throws IOException {
        List<String> asked = interfaces.isEmpty() ? upInterfaces() : interfaces;
        if (asked.isEmpty()) {
            return Cli.fail("discover", "no network interface is up (see `ip link`)");
        }
        List<String[]> rows = new ArrayList<>();
        for (String name : asked) {
            try (Initiator initiator = Initiator.open(name)) {
                for (TargetInfo t : initiator.discover(Duration.ofMillis(waitMillis))) {
                    rows.add(row(initiator, name, t));
                }
            } catch (IOException e) {
                Cli.fail("discover", name + ": " + e.getMessage());
                if (interfaces.size() == 1) {
                    return Cli.FAILED;
                }
            }
        }
        if (rows.isEmpty()) {
            System.err.println("no AoE target answered on " + String.join(", ", asked) + " within " + waitMillis + " ms");
            return 0;
        }
        print(System.out, rows);
        return 0;
    }

    private static String[] row(Initiator initiator, String iface, TargetInfo t) {
        String size;
        try {
            Identity id = initiator.identify(t);
            size = Sizes.format(id.bytes());
        } catch (IOException e) {
            size = "? (" + e.getMessage() + ")";
        }
        return new String[] {t.name(), iface, MacAddress.format(t.mac()), size, String.valueOf(t.bufferCount()),
                String.valueOf(t.sectorsPerFrame()), t.configText()};
    }

    static void print(PrintStream out, List<String[]> rows) {
        List<String> header = List.of("TARGET", "IFACE", "MAC", "SIZE", "BUFFERS", "SECTORS/FRAME", "CONFIG");
        TextTable table = new TextTable(header, new boolean[header.size()]);
        rows.forEach(r -> table.add(List.of(r)));
        out.print(table.render(false));
    }

    private static List<String> upInterfaces() throws IOException {
        List<String> up = new ArrayList<>();
        try (Stream<Path> nets = Files.list(Path.of("/sys/class/net"))) {
            for (Path net : nets.sorted().toList()) {
                String name = net.getFileName().toString();
                String state = Files.readString(net.resolve("operstate")).strip();
                if (!name.equals("lo") && (state.equals("up") || state.equals("unknown"))) {
                    up.add(name);
                }
            }
        }
        return up;
    }
}
