package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.net.VethPair;
import dev.aoe.testing.AoeCli;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Privileges;
import dev.aoe.testing.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * serve refuses what it cannot serve with status 1 and one clear line on stderr. Every run is
 * inside namespace A of a private veth pair, so nothing goes out on the host's interfaces.
 */
class ServeErrorsIT {
    private static VethPair veth;
    private static Path dir;
    /** An existing 1 MiB (2048-sector) image. */
    private static Path image;

    @BeforeAll
    static void setUp() throws Exception {
        Privileges.assumeNetworkNamespaces();
        veth = VethPair.create();
        dir = Files.createTempDirectory("aoe-cli-errors");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        image = dir.resolve("small.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
        TempDirs.delete(dir);
    }

    /** Runs {@code serve --no-state --probe-ms 0 ARGS} in namespace A; expects status 1 and {@code message}. */
    private static Result fails(String message, String... args) {
        return fails(aoe(serve(args)).inNetns(veth.namespaceA()), message);
    }

    private static Result fails(AoeCli cli, String message) {
        Result r = cli.run();
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.stderr().startsWith("aoe serve: error: "), r::describe);
        assertTrue(r.stderr().contains(message), () -> "expected '" + message + "' in\n" + r.describe());
        assertFalse(r.stdout().contains("serving"), r::describe);
        return r;
    }

    private static String[] serve(String... args) {
        List<String> all = new ArrayList<>(List.of("serve", "--no-state", "--probe-ms", "0"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void missingInterface() {
        fails("no network interface 'nosuch0'", "1", "0", "nosuch0", image.toString());
    }

    @Test
    void missingFileWithoutCreate() {
        Path missing = dir.resolve("missing.img");
        fails(missing + " does not exist", "1", "0", veth.interfaceA(), missing.toString());
        assertFalse(Files.exists(missing));
    }

    @Test
    void windowBeyondTheSource() {
        fails("offset 2000 + length 100 sectors exceeds the source's 2048 sectors",
                "-o", "2000", "-l", "100", "1", "0", veth.interfaceA(), image.toString());
    }

    @Test
    void badMacInAllowlist() {
        fails("not a MAC address: '52:54:00:zz:34:56'",
                "-m", "52:54:00:12:34:56,52:54:00:zz:34:56", "1", "0", veth.interfaceA(), image.toString());
    }

    @Test
    void broadcastAddressIsNoTargetAddressAndCreatesNothing() {
        Path created = dir.resolve("never.img");
        fails("shelf must be 0-65534", "--create", "1M", "65535", "255", veth.interfaceA(), created.toString());
        assertFalse(Files.exists(created), "a refused export must not leave the image it would have created");
    }

    @Test
    void bufferCountBelowTwo() {
        fails("at least 2", "-b", "1", "1", "0", veth.interfaceA(), image.toString());
    }

    @Test
    void durableAndWriteBackContradict() {
        fails("-s (durable writes) and --write-back contradict each other",
                "-s", "--write-back", "1", "0", veth.interfaceA(), image.toString());
    }

    @Test
    void ordinaryUserLacksCapNetRaw() throws Exception {
        Path home = Files.createTempDirectory(dir, "home");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        fails(aoe(serve("1", "0", veth.interfaceA(), image.toString())).inNetns(veth.namespaceA()).asNobody(home),
                "needs CAP_NET_RAW");
    }
}
