package dev.aoe.engine;

import static dev.aoe.testing.EngineFixture.REPLY;
import static dev.aoe.testing.EngineFixture.SILENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.chart.DashboardMetrics;
import dev.aoe.metrics.EngineMeters;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.store.StoreSpec;
import dev.aoe.testing.EngineFixture;
import dev.aoe.testing.EngineFixtures;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's own metrics, as Prometheus reads them: known traffic over a veth pair (answered
 * requests of every kind, ATA and AoE errors, and frames ignored for each reason) against two
 * exports, then the exact change of every series in the text a real Prometheus registry
 * produces, and the series of an export gone once it is removed.
 */
class EngineMetricsTest {
    private static final int SHELF = 7;
    private static final int RW = 1;
    private static final int RO = 2;
    private static final long SECTORS = 2048;
    /** A locally administered MAC that no interface here has: "another initiator". */
    private static final long OTHER = 0x02_00_00_00_0C_0CL;

    @RegisterExtension
    final EngineFixtures engines = new EngineFixtures();
    private EngineFixture fx;
    private PrometheusMeterRegistry registry;
    private RawSocket raw;
    private long engine;
    private long me;
    private int tag = 0x4000_0000;
    private final ByteBuffer f = EngineFixture.frame();

    /** An engine on veth whose meters a Prometheus registry reads, serving e7.1 read-write. */
    @BeforeEach
    void serveReadWrite() throws Exception {
        fx = engines.start(1500);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        fx.engine().listen(new EngineMeters(registry));
        me = fx.initiatorMac;
        fx.add(fx.spec(SHELF, RW, StoreSpec.of(fx.disk("rw.img", SECTORS * 512))));
        engine = fx.engineMac();
        raw = fx.rawB();
    }

    @Test
    void everyRequestRefusalAndErrorIsCountedExactlyAndAnExportRemovedStopsBeingReported() throws Exception {
        ExportSpec roSpec = new ExportSpec(SHELF, RO, fx.pair.interfaceA(),
                StoreSpec.of(fx.disk("ro.img", SECTORS * 512)).withReadOnly(true), 16, new long[] {me}, new byte[0]);
        fx.add(roSpec);
        Scrape before = new Scrape(registry.scrape());

        // Answered: writes, then reads of the same sectors, which the page cache holds.
        for (long lba : new long[] {10, 12, 14}) {
            answered(RW, me, () -> ata(RW, me, Ata.WRITE_SECTORS_EXT, lba, 2) + 1024);
        }
        for (long lba : new long[] {10, 12, 14}) {
            answered(RW, me, () -> ata(RW, me, Ata.READ_SECTORS_EXT, lba, 2));
        }
        answered(RW, me, () -> ata(RW, me, Ata.IDENTIFY_DEVICE, 0, 1));
        answered(RW, me, () -> ata(RW, me, Ata.FLUSH_CACHE_EXT, 0, 0));
        answered(RW, me, () -> ata(RW, me, Ata.CHECK_POWER_MODE, 0, 0));
        answered(RW, me, this::configRead);
        answered(RW, me, () -> mask(MaskArg.MCMD_READ));
        answered(RW, me, () -> reserve(ReserveArg.RCMD_READ));
        // Errors: an LBA past the end (IDNF), an unknown AoE command (Bad Command), a write to
        // the read-only export (ABRT), a read while another initiator holds a reservation.
        answered(RW, me, () -> ata(RW, me, Ata.READ_SECTORS_EXT, SECTORS, 1));
        answered(RW, me, () -> header(RW, me, 5));
        answered(RO, me, () -> ata(RO, me, Ata.WRITE_SECTORS_EXT, 0, 1) + 512);
        answered(RW, me, () -> reserve(ReserveArg.RCMD_SET, me));
        answered(RW, OTHER, () -> ata(RW, OTHER, Ata.READ_SECTORS_EXT, 0, 1));
        answered(RW, me, () -> reserve(ReserveArg.RCMD_SET));
        // Ignored: a wrong AoE version, a broadcast source, a truncated ATA request, an
        // initiator off the mask list, an initiator off the allowlist.
        ignored(() -> {
            ata(RW, me, Ata.READ_SECTORS_EXT, 0, 1);
            f.put(AoeHeader.VERSION_FLAGS, (byte) (2 << 4));
            return AtaArg.DATA;
        });
        ignored(() -> ata(RW, MacAddress.BROADCAST, Ata.READ_SECTORS_EXT, 0, 1));
        ignored(() -> ata(RW, me, Ata.READ_SECTORS_EXT, 0, 1) - 6);
        answered(RW, me, () -> maskAdd(me));
        ignored(() -> ata(RW, OTHER, Ata.READ_SECTORS_EXT, 0, 1));
        ignored(() -> ata(RO, OTHER, Ata.READ_SECTORS_EXT, 0, 1));

        // Latencies and sent frames are counted just after the send the reply came from.
        Scrape after = awaitReplies(registry, before, Map.of("e7.1", 18, "e7.2", 1));
        Delta rw = new Delta(before, after, "e7.1");
        Delta ro = new Delta(before, after, "e7.2");
        assertEquals(Map.of("read", 5.0, "write", 3.0, "identify", 1.0, "flush", 1.0, "check_power", 1.0,
                "config", 1.0, "mask", 2.0, "reserve", 3.0), rw.byLabel("aoe_requests_total", "op"));
        assertEquals(Map.of("read", 3072.0, "write", 3072.0), rw.byLabel("aoe_bytes_total", "op"));
        assertEquals(3072.0, rw.of("aoe_cached_read_bytes_total"), "reads answered from the page cache");
        assertEquals(Map.of("abrt", 0.0, "idnf", 1.0), rw.byLabel("aoe_ata_errors_total", "status"));
        assertEquals(Map.of("bad_command", 1.0, "bad_argument", 0.0, "device_unavailable", 0.0,
                "config_string_present", 0.0, "unsupported_version", 0.0, "target_reserved", 1.0),
                rw.byLabel("aoe_error_replies_total", "code"));
        assertEquals(Map.of("allowlist", 0.0, "mask_list", 1.0, "reservation", 0.0, "broadcast_source", 1.0,
                "malformed", 1.0, "wrong_version", 1.0, "queue_full", 0.0),
                rw.byLabel("aoe_frames_ignored_total", "reason"));
        assertEquals(3.0, rw.of("aoe_flushes_total"), "one flush per write: each came alone");
        assertEquals(3.0, rw.of("aoe_flushed_writes_total"));
        assertEquals(18.0, rw.of("aoe_request_duration_seconds_count"));
        assertEquals(18.0, rw.bucket("+Inf"));
        assertTrue(rw.of("aoe_request_duration_seconds_sum") > 0, "latency sum");
        assertTrue(rw.bucket("0.000025") <= rw.bucket("0.001") && rw.bucket("0.001") <= rw.bucket("2.5"),
                "buckets are cumulative, their bounds written as plain decimals");

        assertEquals(1.0, ro.byLabel("aoe_requests_total", "op").get("write"));
        assertEquals(0.0, ro.byLabel("aoe_bytes_total", "op").get("write"));
        assertEquals(1.0, ro.byLabel("aoe_ata_errors_total", "status").get("abrt"));
        assertEquals(1.0, ro.byLabel("aoe_frames_ignored_total", "reason").get("allowlist"));
        assertEquals(1.0, ro.of("aoe_request_duration_seconds_count"));
        assertEquals(0.0, ro.of("aoe_flushes_total"));
        assertEquals(0.0, rw.of("aoe_slow_inline_writes_total"), "no write took long");

        Map<String, String> port = Map.of("interface", fx.pair.interfaceA());
        assertEquals(24.0, after.value("aoe_port_frames_received_total", port)
                - before.value("aoe_port_frames_received_total", port), "every frame sent, one at a time");
        assertEquals(24.0, after.value("aoe_port_receive_batches_total", port)
                - before.value("aoe_port_receive_batches_total", port), "one frame per receive");
        assertEquals(19.0, after.value("aoe_port_frames_sent_total", port)
                - before.value("aoe_port_frames_sent_total", port), "every reply");
        assertEquals(0.0, after.value("aoe_port_frames_dropped_total", port));
        assertEquals(0.0, after.value("aoe_requests_in_flight", Map.of("target", "e7.1")));
        assertEquals("", after.labels("aoe_requests_total", Map.of("target", "e7.1")).get("export"),
                "standalone exports have no name");

        fx.engine().remove(SHELF, RO);
        Scrape one = new Scrape(registry.scrape());
        assertFalse(one.text.contains("target=\"e7.2\""), "a removed export is no longer reported:\n" + one.text);
        assertTrue(one.has("aoe_requests_total", Map.of("target", "e7.1")));
        assertTrue(one.has("aoe_request_duration_seconds_count", Map.of("target", "e7.1")));
        assertTrue(one.has("aoe_port_frames_received_total", port), "the port still serves e7.1");
        fx.add(roSpec);
        Scrape again = new Scrape(registry.scrape());
        assertEquals(0.0, again.value("aoe_requests_total", Map.of("target", "e7.2", "op", "write")),
                "served again, the export counts from 0");
        assertEquals(0.0, again.value("aoe_request_duration_seconds_count", Map.of("target", "e7.2")));
        fx.engine().remove(SHELF, RO);
        fx.engine().remove(SHELF, RW);
        Scrape none = new Scrape(registry.scrape());
        assertFalse(none.has("aoe_port_frames_received_total", port), "the port closed with its last export");
        assertFalse(none.text.contains("target=\""), none.text);
    }

    /**
     * The chart's Grafana dashboard can never silently show nothing: every engine series its
     * queries select is exported by an engine serving an export on veth, from the first scrape.
     */
    @Test
    void everySeriesTheDashboardQueriesIsExportedByALiveEngine() throws Exception {
        answered(RW, me, () -> ata(RW, me, Ata.READ_SECTORS_EXT, 0, 1));

        Set<String> exported = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            Matcher m = Scrape.LINE.matcher(line);
            if (m.matches()) {
                exported.add(m.group(1));
            }
        }
        Set<String> queried = DashboardMetrics.engineMetricNames();
        assertFalse(queried.isEmpty(), "the dashboard queries engine series");
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "the dashboard queries series no engine exports; exported: " + exported);
        System.out.println("EngineMetricsTest: the dashboard's " + queried.size() + " engine series are all exported: "
                + queried);
    }

    /** Sends the request {@code build} writes and asserts that a reply comes. */
    private void answered(int slot, long source, IntSupplier build) throws Exception {
        int length = build.getAsInt();
        int n = EngineFixture.rawExchange(raw, f, AoeHeader.pad(f, length), REPLY);
        assertTrue(n > 0, "e" + SHELF + "." + slot + " answers command " + AoeHeader.command(f) + " from "
                + MacAddress.format(source));
    }

    /** Sends the frame {@code build} writes, unpadded, and asserts that nothing answers. */
    private void ignored(IntSupplier build) throws Exception {
        int length = build.getAsInt();
        assertEquals(0, EngineFixture.rawExchange(raw, f, length, SILENCE), "no reply");
    }

    private int header(int slot, long source, int command) {
        AoeHeader.writeRequest(f, engine, source, SHELF, slot, command, ++tag);
        return AoeHeader.LENGTH;
    }

    private int ata(int slot, long source, int opcode, long lba, int count) {
        return EngineFixture.ata(f, engine, source, SHELF, slot, AtaArg.AFLAG_EXTENDED, count, opcode, lba, ++tag);
    }

    private int configRead() {
        header(RW, me, AoeHeader.CMD_CONFIG);
        return ConfigArg.writeRequest(f, ConfigArg.CCMD_READ, new byte[0]);
    }

    private int mask(int mcmd) {
        header(RW, me, AoeHeader.CMD_MASK);
        return MaskArg.writeHeader(f, mcmd, 0, 0);
    }

    private int maskAdd(long mac) {
        header(RW, me, AoeHeader.CMD_MASK);
        int n = MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, 0, 1);
        MaskArg.putDirective(f, 0, MaskArg.DCMD_ADD, mac);
        return n + MaskArg.DIRECTIVE_LENGTH;
    }

    private int reserve(int rcmd, long... macs) {
        header(RW, me, AoeHeader.CMD_RESERVE);
        return ReserveArg.write(f, rcmd, macs, macs.length);
    }

    /** Scrapes until each export's latency count has grown by the replies it sent, at most 2 s. */
    private static Scrape awaitReplies(PrometheusMeterRegistry registry, Scrape before, Map<String, Integer> replies)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            Scrape now = new Scrape(registry.scrape());
            boolean all = replies.entrySet().stream().allMatch(e -> new Delta(before, now, e.getKey())
                    .of("aoe_request_duration_seconds_count") >= e.getValue());
            if (all || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(10);
        }
    }

    /** One scrape in the Prometheus text format, read line by line. */
    private static final class Scrape {
        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        final String text;

        Scrape(String text) {
            this.text = text;
        }

        /** The labels of the first sample of {@code name} that carries {@code wanted}, or null. */
        Map<String, String> labels(String name, Map<String, String> wanted) {
            for (String line : text.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (!m.matches() || !m.group(1).equals(name)) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                labels.put(" value", m.group(3));
                if (labels.entrySet().containsAll(wanted.entrySet())) {
                    return labels;
                }
            }
            return null;
        }

        boolean has(String name, Map<String, String> wanted) {
            return labels(name, wanted) != null;
        }

        double value(String name, Map<String, String> wanted) {
            Map<String, String> labels = labels(name, wanted);
            if (labels == null) {
                throw new AssertionError("no " + name + " " + wanted + " in\n" + text);
            }
            return Double.parseDouble(labels.get(" value"));
        }
    }

    /** How one export's series changed between two scrapes. */
    private record Delta(Scrape before, Scrape after, String target) {
        double of(String name) {
            return of(name, Map.of());
        }

        double of(String name, Map<String, String> labels) {
            Map<String, String> wanted = new HashMap<>(labels);
            wanted.put("target", target);
            return after.value(name, wanted) - before.value(name, wanted);
        }

        double bucket(String le) {
            return of("aoe_request_duration_seconds_bucket", Map.of("le", le));
        }

        /** The change of {@code name} for each value of {@code label}. */
        Map<String, Double> byLabel(String name, String label) {
            Map<String, Double> changes = new HashMap<>();
            for (String line : after.text.split("\n")) {
                Matcher m = Scrape.LINE.matcher(line);
                if (m.matches() && m.group(1).equals(name) && m.group(2).contains("target=\"" + target + "\"")) {
                    Matcher l = Pattern.compile(label + "=\"([^\"]*)\"").matcher(m.group(2));
                    if (l.find()) {
                        changes.put(l.group(1), of(name, Map.of(label, l.group(1))));
                    }
                }
            }
            return changes;
        }
    }
}
