package dev.aoe.metrics;

import dev.aoe.engine.EngineListener;
import dev.aoe.engine.ExportCounters;
import dev.aoe.engine.PortCounters;
import dev.aoe.responder.TargetCounts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the engine's own counters: meters that read the plain fields the engine keeps
 * (nothing here runs on the frame path), added when an export is served and removed when it
 * stops, plus the reply latency histogram ({@link LatencyCollector}). Names and labels are those
 * of README, "Metrics"; a dashboard depends on them.
 */
public final class EngineMeters implements EngineListener {
    /** AoE error codes 1 to 6 as the {@code code} label spells them. */
    private static final String[] ERROR_CODES = {
        "bad_command", "bad_argument", "device_unavailable", "config_string_present", "unsupported_version",
        "target_reserved",
    };

    private final MeterRegistry registry;
    private final Map<ExportCounters, List<Meter>> exports = new ConcurrentHashMap<>();
    /** Each port's meters and how many served exports use it; guarded by {@code this}. */
    private final Map<PortCounters, PortMeters> ports = new IdentityHashMap<>();

    public EngineMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        new LatencyCollector(exports.keySet()).register(registry.getPrometheusRegistry());
    }

    /** The exports reported at the moment. */
    Set<ExportCounters> exports() {
        return exports.keySet();
    }

    @Override
    public synchronized void served(ExportCounters export, List<? extends PortCounters> ports) {
        exports.put(export, exportMeters(export));
        for (PortCounters port : ports) {
            this.ports.computeIfAbsent(port, p -> new PortMeters(portMeters(p))).users++;
        }
    }

    @Override
    public synchronized void stopped(ExportCounters export, List<? extends PortCounters> ports) {
        List<Meter> meters = exports.remove(export);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
        for (PortCounters port : ports) {
            PortMeters p = this.ports.get(port);
            if (p != null && --p.users == 0) {
                this.ports.remove(port);
                p.meters.forEach(registry::remove);
            }
        }
    }

    private List<Meter> exportMeters(ExportCounters e) {
        Tags tags = Tags.of("target", e.target(), "export", e.name(), "interface", e.interfaceName());
        List<Meter> m = new ArrayList<>();
        for (TargetCounts.Op op : TargetCounts.Op.values()) {
            m.add(counter("aoe.requests", "Requests answered, by kind", tags.and("op", label(op)), e,
                    x -> TargetCounts.requests(x.counts(), op)));
        }
        for (boolean write : new boolean[] {false, true}) {
            m.add(counter("aoe.bytes", "Bytes read or written by requests that succeeded",
                    tags.and("op", write ? "write" : "read"), e, x -> TargetCounts.bytes(x.counts(), write)));
        }
        for (TargetCounts.AtaError error : TargetCounts.AtaError.values()) {
            m.add(counter("aoe.ata.errors", "ATA errors answered in the ATA registers", tags.and("status", label(error)),
                    e, x -> TargetCounts.ataErrors(x.counts(), error)));
        }
        for (int code = 1; code <= TargetCounts.AOE_ERROR_CODES; code++) {
            int c = code;
            m.add(counter("aoe.error.replies", "Replies carrying an AoE error", tags.and("code", ERROR_CODES[code - 1]),
                    e, x -> TargetCounts.errorReplies(x.counts(), c)));
        }
        for (TargetCounts.Ignored reason : TargetCounts.Ignored.values()) {
            m.add(counter("aoe.frames.ignored", "Frames addressed to the export and left unanswered, by reason",
                    tags.and("reason", label(reason)), e, x -> TargetCounts.ignored(x.counts(), reason)));
        }
        m.add(Gauge.builder("aoe.requests.in.flight", e, ExportCounters::requestsInFlight)
                .description("Requests handed to the I/O threads and not yet answered")
                .tags(tags).strongReference(true).register(registry));
        m.add(counter("aoe.flushes", "Flushes (fdatasync) of the source", tags, e, ExportCounters::flushes));
        m.add(counter("aoe.flushed.writes", "Writes made durable by those flushes", tags, e,
                ExportCounters::flushedWrites));
        m.add(counter("aoe.slow.inline.writes", "Write-back writes on the receive thread that took long,"
                + " each sending the export's writes to its I/O threads for a while", tags, e,
                ExportCounters::slowInlineWrites));
        m.add(counter("aoe.cached.read.bytes", "Bytes read from the page cache on the receive thread", tags, e,
                x -> TargetCounts.cachedReadBytes(x.counts())));
        return m;
    }

    private List<Meter> portMeters(PortCounters p) {
        Tags tags = Tags.of("interface", p.interfaceName());
        return List.<Meter>of(
                counter("aoe.port.frames.received", "AoE frames received", tags, p, PortCounters::framesReceived),
                counter("aoe.port.frames.sent", "AoE frames sent", tags, p, PortCounters::framesSent),
                counter("aoe.port.frames.dropped", "Frames the kernel dropped: the receive queue was full", tags, p,
                        PortCounters::framesDropped),
                counter("aoe.port.receive.batches", "Receive batches that brought frames: recvmmsg calls or walks of"
                        + " the packet ring", tags, p, PortCounters::receiveBatches),
                Gauge.builder("aoe.port.packet.ring", p, x -> x.packetRing() ? 1 : 0)
                        .description("1 when the port receives through a packet ring, 0 when with recvmmsg")
                        .tags(tags).register(registry));
    }

    private <T> FunctionCounter counter(String name, String help, Tags tags, T source, ToDoubleFunction<T> count) {
        // Held weakly by the meter: the engine holds the export and the port while they are served.
        return FunctionCounter.builder(name, source, count).description(help).tags(tags).register(registry);
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static final class PortMeters {
        final List<Meter> meters;
        int users;

        PortMeters(List<Meter> meters) {
            this.meters = meters;
        }
    }
}
