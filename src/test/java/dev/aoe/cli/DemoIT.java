package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.testing.AoeCli;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Privileges;
import dev.aoe.testing.TempDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** bin/aoe demo: its own network namespace, as root and as an ordinary user. */
class DemoIT {
    /** Checks the demo's verdict and that the data read back hashes like the data written. */
    private static void assertDemoPassed(Result r) {
        assertEquals(0, r.exit(), r::describe);
        assertTrue(r.stdout().contains("demo OK"), r::describe);
        List<String> hashes = r.stdout().lines().filter(l -> l.startsWith("sha256 ")).map(l -> l.split("\\s+")[2])
                .toList();
        assertEquals(2, hashes.size(), r::describe);
        assertTrue(hashes.get(0).matches("[0-9a-f]{64}"), r::describe);
        assertEquals(hashes.get(0), hashes.get(1), r::describe);
    }

    @Test
    void demoAsRoot() {
        Privileges.assumeNetworkNamespaces();
        Result r = aoe("demo").run();
        assertDemoPassed(r);
        assertTrue(r.stdout().contains("MTU 1500, 2 sectors/frame"), r::describe);
    }

    @Test
    void jumboFramesCarrySeventeenSectors() {
        Privileges.assumeNetworkNamespaces();
        Result r = aoe("demo", "--mtu", "9000", "--io", "1M").run();
        assertDemoPassed(r);
        assertTrue(r.stdout().contains("MTU 9000, 17 sectors/frame"), r::describe);
        assertTrue(r.stdout().contains("17-sector frames"), r::describe);
    }

    @Test
    void demoAsOrdinaryUserThroughAUserNamespace() throws Exception {
        Privileges.assumeNetworkNamespaces(); // root here, to switch to nobody
        assumeTrue(nobodyMay("unshare", "--user", "--map-root-user", "--net", "true"),
                "this kernel does not let an ordinary user (nobody) create user and network namespaces"
                        + " (unshare --user --map-root-user --net true failed)");
        assumeTrue(AoeCli.jar() == null || nobodyMay("test", "-r", AoeCli.jar().toString()),
                "user nobody cannot read " + AoeCli.jar());
        Path home = Files.createTempDirectory("aoe-cli-nobody");
        try {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
            Result r = aoe("demo", "--io", "1M").asNobody(home).run();
            assertDemoPassed(r);
        } finally {
            TempDirs.delete(home);
        }
    }

    private static boolean nobodyMay(String... command) throws Exception {
        List<String> full = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + AoeCli.NOBODY,
                "--regid=" + AoeCli.NOBODY, "--clear-groups"));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
