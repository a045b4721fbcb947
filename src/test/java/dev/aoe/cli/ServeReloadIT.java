package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.net.VethPair;
import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** SIGHUP to the packaged {@code bin/aoe serve}: sources measured again, the exports file read again. */
class ServeReloadIT {
    private static final long MIB = 1 << 20;

    @Veth
    VethPair veth;
    @TempDir
    Path dir;

    @Test
    void sighupServesAFileGrownByTruncate() throws Exception {
        Path image = dir.resolve("disk.img");
        try (Background serve = aoe("serve", "--no-state", "--create", "1M", "1", "0", veth.interfaceA(),
                image.toString()).inNetns(veth.namespaceA()).start()) {
            serve.awaitStdout("SIGHUP reloads");
            setLength(image, 3 * MIB); // truncate -s 3M
            hangUp(serve);
            serve.awaitStdout("e1.0 grew from 1048576 to 3145728 bytes (6144 sectors)");
            assertTrue(row(discoverFromB(), "e1.0").contains("  3.0 MiB  "), "discover sees the new size");
            Result stopped = serve.stop();
            assertEquals(0, stopped.exit(), stopped::describe);
        }
    }

    @Test
    void sighupReadsTheExportsFileAgain() throws Exception {
        Path exports = dir.resolve("exports.conf");
        String a = dir.resolve("a.img").toString();
        String c = dir.resolve("c.img").toString();
        Files.writeString(exports, String.join("\n",
                "--create 8M 1 1 aoe-a " + a,
                "--create 1M 1 2 aoe-a " + dir.resolve("b.img"),
                "--create 1M 1 3 aoe-a " + c, ""));
        try (Background serve = aoe("serve", "--no-state", "--exports", exports.toString())
                .inNetns(veth.namespaceA()).start()) {
            serve.awaitStdout("serving 3 of 3 export(s)");
            Files.writeString(exports, String.join("\n",
                    "--create 16M 1 1 aoe-a " + a,
                    "-r --create 1M 1 3 aoe-a " + c,
                    "--create 2M 1 4 aoe-a " + dir.resolve("d.img"), ""));
            hangUp(serve);

            serve.awaitStdout("serve: reload: e1.1 grew from 8388608 to 16777216 bytes");
            serve.awaitStdout("serve: reload: e1.2 no longer listed, stopped");
            serve.awaitStdout("serve: reload: e1.3: -r changed; that needs a restart of serve");
            serve.awaitStdout("serve: reload: added e1.4: serving");
            Result discover = discoverFromB();
            assertTrue(row(discover, "e1.1").contains("  16.0 MiB  "), discover::describe);
            assertTrue(discover.stdout().lines().noneMatch(l -> l.startsWith("e1.2 ")), discover::describe);
            assertTrue(row(discover, "e1.4").contains("  2.0 MiB  "), discover::describe);
            assertEquals(16 * MIB, Files.size(Path.of(a)), "grown with ftruncate");
            Result stopped = serve.stop();
            assertEquals(0, stopped.exit(), stopped::describe);
        }
    }

    private static void setLength(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    private static void hangUp(Background serve) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(serve.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + serve.pid());
    }

    private Result discoverFromB() {
        Result r = aoe("discover", "-t", "500", veth.interfaceB()).inNetns(veth.namespaceB()).run();
        assertEquals(0, r.exit(), r::describe);
        return r;
    }

    private static String row(Result discover, String target) {
        return discover.stdout().lines().filter(l -> l.startsWith(target + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + target + " in\n" + discover.describe()));
    }
}
