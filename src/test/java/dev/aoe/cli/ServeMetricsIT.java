package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.Ip;
import dev.aoe.net.NetNs;
import dev.aoe.net.VethPair;
import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code aoe serve --metrics ADDR:PORT}, packaged and started through bin/aoe: /q/metrics answers
 * on that address with the engine's series for the export after some I/O, and a bad address is
 * refused before anything starts.
 */
class ServeMetricsIT {
    private static final int PORT = 9187;

    @Veth
    VethPair veth;
    @TempDir
    Path dir;

    @Test
    void serveWithMetricsAnswersQMetricsWithTheEngineSeries() throws Exception {
        Ip.run("-n", veth.namespaceA(), "link", "set", "dev", "lo", "up");
        String disk = dir.resolve("d.img").toString();
        try (Background serve = aoe("serve", "--no-state", "--metrics", "127.0.0.1:" + PORT, "--create", "1M", "1", "0",
                veth.interfaceA(), disk).inNetns(veth.namespaceA()).start()) {
            serve.awaitStdout("serving 1 of 1 export(s)");
            try (Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()))) {
                TargetInfo t = initiator.find(1, 0, Duration.ofSeconds(2));
                initiator.write(t, 8, ByteBuffer.wrap(new byte[4096]));
                initiator.read(t, 8, ByteBuffer.allocate(4096));
            }
            String metrics = NetNs.call(veth.namespaceA(), ServeMetricsIT::scrape);
            // Prometheus asks for OpenMetrics, older scrapers for text 0.0.4: labels end with "," only in the latter.
            String export = "export=\"\",interface=\"" + veth.interfaceA() + "\"";
            assertSeries(metrics, "aoe_requests_total\\{" + export + ",op=\"write\",target=\"e1.0\",?\\} [1-9]");
            assertSeries(metrics, "aoe_bytes_total\\{" + export + ",op=\"read\",target=\"e1.0\",?\\} 4096\\.0");
            assertSeries(metrics, "aoe_frames_ignored_total\\{" + export + ",reason=\"allowlist\",target=\"e1.0\",?\\} 0\\.0");
            assertSeries(metrics, "aoe_request_duration_seconds_bucket\\{target=\"e1.0\",export=\"\",interface=\""
                    + veth.interfaceA() + "\",le=\"\\+Inf\",?\\} [1-9]");
            assertSeries(metrics, "aoe_port_frames_received_total\\{interface=\"" + veth.interfaceA() + "\",?\\} [1-9]");
            assertSeries(metrics, "aoe_port_frames_dropped_total\\{interface=\"" + veth.interfaceA() + "\",?\\} 0\\.0");
            Result stopped = serve.stop();
            assertEquals(0, stopped.exit(), stopped::describe);
        }
    }

    @Test
    void aMetricsAddressWithoutAPortIsRefused() {
        Result r = aoe("serve", "--metrics", "127.0.0.1", "1", "0", "lo", dir.resolve("d.img").toString()).run();
        assertEquals(2, r.exit(), r::describe);
        assertTrue(r.stderr().contains("--metrics 127.0.0.1: give ADDR:PORT"), r::describe);
    }

    private static void assertSeries(String metrics, String line) {
        assertTrue(Pattern.compile("^" + line, Pattern.MULTILINE).matcher(metrics).find(),
                "no line matching " + line + " in\n" + metrics);
    }

    /** GET /q/metrics over HTTP/1.0, from a socket of the calling thread's namespace. */
    private static String scrape() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), PORT)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /q/metrics HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.0 200") || response.startsWith("HTTP/1.1 200"), response);
            return response;
        }
    }
}
