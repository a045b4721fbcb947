package dev.aoe.agent;

import dev.aoe.api.Conditions;
import dev.aoe.api.EngineReport;
import dev.aoe.api.EnginePath;
import dev.aoe.api.WriteCacheMode;
import dev.aoe.engine.ExportStatus;
import dev.aoe.engine.PathStatus;
import dev.aoe.store.BlockStore;
import dev.aoe.store.WriteCache;

import java.time.temporal.ChronoUnit;

/** The {@code status.engine} reports the agent writes, one factory per state. */
final class EngineReports {
    private EngineReports() {
    }

    /** Served as the engine measured it. */
    static EngineReport serving(ExportStatus status, long generation, boolean createdSource) {
        EngineReport r = base(true, status.reason(), status.message(), generation, createdSource);
        r.setPaths(status.paths().stream().map(EngineReports::path).toList());
        r.setMac(status.mac());
        r.setMtu(status.mtu());
        r.setSectorsPerFrame(status.sectorsPerFrame());
        r.setSizeBytes(status.sizeBytes());
        r.setSectors(status.sizeBytes() / BlockStore.SECTOR_SIZE);
        r.setWriteCache(apiName(status.writeCache()));
        // RFC 3339 in whole seconds, as Kubernetes writes its own timestamps.
        r.setServingSince(status.servingSince().truncatedTo(ChronoUnit.SECONDS).toString());
        return r;
    }

    private static EnginePath path(PathStatus p) {
        EnginePath path = new EnginePath();
        path.setInterfaceName(p.interfaceName());
        path.setMac(p.mac());
        path.setMtu(p.mtu());
        path.setSectorsPerFrame(p.sectorsPerFrame());
        path.setUp(p.up());
        return path;
    }

    static EngineReport notServing(Failure failure, long generation, boolean createdSource) {
        return base(false, failure.reason(), failure.message(), generation, createdSource);
    }

    /** The engine is shutting down: honest status until a restart serves the export again. */
    static EngineReport stopped(long generation, boolean createdSource) {
        return base(false, Conditions.ENGINE_STOPPED,
                "The engine on this node stopped; it serves the export again when it restarts.",
                generation, createdSource);
    }

    private static EngineReport base(boolean serving, String reason, String message, long generation,
                                     boolean createdSource) {
        EngineReport r = new EngineReport();
        r.setServing(serving);
        r.setReason(reason);
        r.setMessage(message);
        r.setGeneration(generation);
        // Only "true" is worth keeping: a restarted engine learns from it which file it may delete.
        r.setCreatedSource(createdSource ? Boolean.TRUE : null);
        return r;
    }

    /** The spec's spelling (Off, WriteBack) of the engine's write cache mode. */
    private static String apiName(String engineWriteCache) {
        return WriteCache.valueOf(engineWriteCache) == WriteCache.WRITE_BACK
                ? WriteCacheMode.WriteBack.name() : WriteCacheMode.Off.name();
    }
}
