package dev.aoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.engine.ExportSpec;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IFACE of {@code serve} and of an exports file: one interface, or several for multipath. */
class ExportOptionsTest {
    @TempDir
    Path dir;

    private static ExportSpec parse(String... args) {
        ExportOptions options = new ExportOptions();
        new CommandLine(options).parseArgs(args);
        return options.toSpec();
    }

    @Test
    void oneInterfaceIsOnePath() {
        assertEquals(List.of("eth0"), parse("1", "0", "eth0", "/srv/d.img").interfaces());
    }

    @Test
    void commaSeparatedInterfacesAreOnePathEach() {
        ExportSpec spec = parse("-r", "1", "0", "eth0,eth1", "/srv/d.img");

        assertEquals(List.of("eth0", "eth1"), spec.interfaces());
        assertEquals("eth0,eth1", spec.interfaceName());
    }

    @Test
    void anEmptyOrRepeatedInterfaceIsRefused() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> parse("1", "0", "eth0,", "/srv/d.img"));
        assertTrue(empty.getMessage().contains("empty name"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("1", "0", "eth0,eth0", "/srv/d.img"));
    }

    @Test
    void anExportsFileLineNamesSeveralInterfacesTheSameWay() throws Exception {
        Path file = Files.writeString(dir.resolve("exports"), "# two paths\n1 0 eth0,eth1 /srv/a.img\n1 1 eth0 /srv/b.img\n");

        List<ExportSpec> specs = ExportsFile.read(file);

        assertEquals(List.of("eth0", "eth1"), specs.get(0).interfaces());
        assertEquals(List.of("eth0"), specs.get(1).interfaces());
    }
}
