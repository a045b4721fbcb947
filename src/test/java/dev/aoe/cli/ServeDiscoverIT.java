package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.VethPair;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * serve in namespace A of a veth pair, discover (or another serve) from namespace B, as an
 * operator would run them: separate processes, stopped with SIGTERM.
 */
class ServeDiscoverIT {
    private static final Pattern MAC = Pattern.compile("on aoe-a \\(([0-9a-f:]{17}), MTU");

    @Veth
    VethPair veth;
    @TempDir
    Path dir;

    private Background serveInA(String... args) {
        return aoe(args).inNetns(veth.namespaceA()).start();
    }

    private Result discoverFromB() {
        Result r = aoe("discover", "-t", "500", veth.interfaceB()).inNetns(veth.namespaceB()).run();
        assertEquals(0, r.exit(), r::describe);
        return r;
    }

    /** The discover table's row for {@code target}, split into its columns (CONFIG may hold spaces). */
    private static String[] row(Result discover, String target) {
        return discover.stdout().lines().filter(l -> l.startsWith(target + " ")).findFirst()
                .map(l -> l.split("\\s{2,}", 7))
                .orElseThrow(() -> new AssertionError("no row for " + target + " in\n" + discover.describe()));
    }

    private static String mac(String servingLine) {
        Matcher m = MAC.matcher(servingLine);
        assertTrue(m.find(), servingLine);
        return m.group(1);
    }

    /** Stops {@code serve} with SIGTERM: it must exit 0 within 5 s, saying each export went away. */
    private static Result stopsCleanly(Background serve, String... targets) {
        long t0 = System.nanoTime();
        Result r = serve.stop(Duration.ofSeconds(5));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exit(), r::describe);
        assertTrue(millis < 5000, "took " + millis + " ms to stop");
        for (String target : targets) {
            assertTrue((r.stdout() + r.stderr()).contains(target + " no longer served"), r::describe);
        }
        return r;
    }

    @Test
    void serveDiscoverRefuseASecondTargetAndStopOnSigterm() {
        Path image = dir.resolve("disk.img");
        try (Background serve = serveInA("serve", "--no-state", "--create", "64M", "--config-string", "hello",
                "1", "0", veth.interfaceA(), image.toString())) {
            String line = serve.awaitStdout("e1.0: serving");
            serve.awaitStdout("serving 1 of 1 export(s)");
            assertTrue(line.contains("64.0 MiB, 131072 sectors, created"), line);
            String mac = mac(line);

            String[] row = row(discoverFromB(), "e1.0");
            assertEquals(List.of("e1.0", "aoe-b", mac, "64.0 MiB", "16", "2", "hello"), List.of(row));

            // The same address from the other end of the link: the probe hears A and refuses.
            Path other = dir.resolve("other.img");
            Result second = aoe("serve", "--no-state", "--create", "1M", "1", "0", veth.interfaceB(), other.toString())
                    .inNetns(veth.namespaceB()).run();
            assertEquals(1, second.exit(), second::describe);
            assertTrue(second.stderr().contains("e1.0 is already served on aoe-b by " + mac), second::describe);
            assertFalse(Files.exists(other), "a refused export must not leave the image it would have created");

            stopsCleanly(serve, "e1.0");
        }
        assertTrue(Files.exists(image), "serve must keep the image it created");
    }

    @Test
    void exportsFileServesEveryLine() throws Exception {
        Path readOnly = dir.resolve("ro.img");
        try (RandomAccessFile f = new RandomAccessFile(readOnly.toFile(), "rw")) {
            f.setLength(4 << 20);
        }
        Path bad = dir.resolve("bad.exports");
        Files.writeString(bad, "# exports\n--create 8M 1 1 aoe-a " + dir.resolve("a.img") + "\n-b 1 1 2 aoe-a "
                + readOnly + "\n");
        Result refused = aoe("serve", "--no-state", "--exports", bad.toString()).inNetns(veth.namespaceA()).run();
        assertEquals(1, refused.exit(), refused::describe);
        assertTrue(refused.stderr().contains(bad + " line 3: buffer count 1"), refused::describe);
        assertFalse(Files.exists(dir.resolve("a.img")), "a bad file must stop everything before serving");

        Path exports = dir.resolve("exports.conf");
        Files.writeString(exports, String.join("\n",
                "# three exports on one link",
                "--create 8M --config-string first 1 1 aoe-a " + dir.resolve("a.img"),
                "",
                "-r 1 2 aoe-a " + readOnly,
                "   ",
                "--create 16M --config-string third 1 3 aoe-a " + dir.resolve("c.img"),
                ""));
        try (Background serve = serveInA("serve", "--no-state", "--probe-ms", "100", "--exports", exports.toString())) {
            serve.awaitStdout("serving 3 of 3 export(s)");
            assertTrue(serve.stdout().contains("e1.2: serving " + readOnly + " (4.0 MiB, 8192 sectors, read-only)"),
                    serve.stdout());
            Result discover = discoverFromB();
            assertEquals("8.0 MiB", row(discover, "e1.1")[3]);
            assertEquals("first", row(discover, "e1.1")[6]);
            assertEquals("4.0 MiB", row(discover, "e1.2")[3]);
            assertEquals("16.0 MiB", row(discover, "e1.3")[3]);
            assertEquals("third", row(discover, "e1.3")[6]);
            assertEquals(4, discover.stdout().lines().count(), discover::describe); // header + 3 rows
            stopsCleanly(serve, "e1.1", "e1.2", "e1.3");
        }
    }

    @Test
    void stateDirectoryKeepsTheConfigStringAcrossARestart() throws Exception {
        Path state = dir.resolve("state");
        Path image = dir.resolve("disk.img");
        String[] command = {"serve", "--state-dir", state.toString(), "--probe-ms", "100", "--create", "8M",
                "--config-string", "initial", "1", "0", veth.interfaceA(), image.toString()};
        try (Background serve = serveInA(command)) {
            serve.awaitStdout("serving 1 of 1 export(s)");
            forceConfigString("persisted");
            assertTrue(Files.exists(state.resolve("e1.0.state")), "no e1.0.state in " + state);
            stopsCleanly(serve, "e1.0");
        }
        try (Background again = serveInA(command)) {
            again.awaitStdout("serving 1 of 1 export(s)");
            assertEquals("persisted", row(discoverFromB(), "e1.0")[6], "the saved config string wins over --config-string");
            stopsCleanly(again, "e1.0");
        }
    }

    /** Sets e1.0's config string the way an initiator does: AoE Query Config, force set. */
    private void forceConfigString(String text) throws Exception {
        try (Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()))) {
            TargetInfo t = initiator.find(1, 0, Duration.ofSeconds(2));
            ByteBuffer f = ByteBuffer.allocateDirect(1514);
            AoeHeader.writeRequest(f, t.mac(), initiator.mac(), 1, 0, AoeHeader.CMD_CONFIG, 0);
            int n = ConfigArg.writeRequest(f, ConfigArg.CCMD_FORCE_SET, text.getBytes(StandardCharsets.US_ASCII));
            int got = initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2));
            assertTrue(got > 0, "no answer to the config force set");
            assertFalse(AoeHeader.isError(f), "the target refused the config string: error " + AoeHeader.error(f));
        }
    }
}
