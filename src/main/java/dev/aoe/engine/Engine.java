package dev.aoe.engine;

import dev.aoe.ata.AtaDevice;
import dev.aoe.ata.IdentifyBlock;
import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;
import dev.aoe.protocol.TargetAddress;
import dev.aoe.store.FileStore;
import dev.aoe.store.Sizes;
import dev.aoe.store.Stores;
import dev.aoe.responder.StateFile;
import dev.aoe.responder.Target;
import dev.aoe.responder.TargetState;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * The AoE target engine: many exports in one process, one raw socket per interface however
 * many exports it carries, receiving through a packet ring unless {@link PacketRingSetting} says
 * otherwise or the kernel refuses one. Exports are added and removed live without disturbing the others.
 */
public final class Engine implements Closeable {
    private static final Logger LOG = Logger.getLogger(Engine.class.getName());
    /** Most I/O threads per export: enough for reads that miss the page cache to wait in parallel. */
    private static final int MAX_IO_THREADS = 8;
    private static final String MODEL = "aoe-operator AoE target";
    private static final String FIRMWARE = "0.1";

    private final Path stateDirectory;
    private final String hostName;
    private final Duration addressProbe;
    private final PacketRingSetting packetRing;
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final Map<String, Export> exports = new LinkedHashMap<>();
    private EngineListener listener = EngineListener.NONE;

    /**
     * @param stateDirectory where config strings, mask and reserve lists persist; null keeps
     *                       them in memory, as vblade does
     * @param addressProbe   how long to listen for another target already answering an
     *                       address before serving it; zero skips the check
     */
    public Engine(Path stateDirectory, String hostName, Duration addressProbe) {
        this(stateDirectory, hostName, addressProbe, PacketRingSetting.fromEnvironment());
    }

    /** As above, with each port receiving through a packet ring or not as {@code packetRing} says. */
    public Engine(Path stateDirectory, String hostName, Duration addressProbe, PacketRingSetting packetRing) {
        this.stateDirectory = stateDirectory;
        this.hostName = hostName;
        this.addressProbe = addressProbe;
        this.packetRing = packetRing;
    }

    /** Tells {@code listener} of every export served from now on, and of those served already. */
    public synchronized void listen(EngineListener listener) {
        this.listener = listener;
        for (Export e : exports.values()) {
            listener.served(e, List.of(e.ports));
        }
    }

    /**
     * Starts serving an export on each of its interfaces; on failure nothing of it is left
     * behind. Every interface must exist, and at least one must be up: a path whose link is down
     * serves once the link comes up, and until then the export is served on the others.
     */
    public synchronized ExportStatus add(ExportSpec spec) throws IOException {
        String name = spec.target();
        Export existing = exports.get(name);
        if (existing != null) {
            throw new EngineException(EngineException.Problem.ADDRESS_IN_USE,
                    name + " is already served by this engine on "
                    + existing.spec.interfaceName() + "; an AoE address must be unique on the network");
        }
        List<Port> opened = new ArrayList<>();
        FileStore store = null;
        try {
            List<Port> paths = new ArrayList<>();
            for (String interfaceName : spec.interfaces()) {
                Port port = ports.get(interfaceName);
                if (port == null) {
                    port = new Port(RawSocket.open(interfaceName, Traffic.REQUESTS), packetRing);
                    opened.add(port);
                    // Receive from the start: what arrives before the export is added (the address
                    // probe's own query among it) meets no target and is dropped, not answered later.
                    port.start();
                }
                paths.add(port);
            }
            List<Port> up = paths.stream().filter(Port::isUp).toList();
            if (up.isEmpty()) {
                throw new EngineException(EngineException.Problem.INTERFACE_DOWN, (paths.size() == 1
                        ? "interface " + spec.interfaceName() + " is down"
                        : "every interface of " + name + " (" + spec.interfaceName() + ") is down")
                        + "; bring one up (ip link set " + spec.interfaces().get(0) + " up)");
            }
            if (!addressProbe.isZero()) {
                for (Port port : up) {
                    AddressProbe.requireFree(port.interfaceName(), spec.shelf(), spec.slot(), addressProbe);
                }
            }
            store = Stores.open(spec.store());
            TargetState state = stateDirectory == null ? TargetState.inMemory(spec.configString())
                    : TargetState.load(StateFile.of(stateDirectory, spec.shelf(), spec.slot()), spec.configString());
            IdentifyBlock identify = new IdentifyBlock(spec.shelf() + "." + spec.slot() + ":" + hostName, FIRMWARE, MODEL);
            Target target = new Target(spec.shelf(), spec.slot(), new AtaDevice(store, identify, new IoFailureLog(name, LOG)), state,
                    spec.bufferCount(), spec.allowlist());
            Export export = new Export(spec, target, store, paths,
                    Math.min(spec.bufferCount(), MAX_IO_THREADS));
            export.start();
            for (Port port : paths) {
                port.add(export);
            }
            for (Port port : opened) {
                ports.put(port.interfaceName(), port);
            }
            exports.put(name, export);
            listener.served(export, paths);
            export.announce();
            LOG.info(() -> name + " serving " + spec.store().path() + " on " + spec.interfaceName() + ": "
                    + export.store.sectors() + " sectors" + (export.store.readOnly() ? ", read-only" : "")
                    + ", write cache " + export.store.writeCache());
            if (up.size() < paths.size()) {
                LOG.warning(() -> name + ": " + export.downPaths() + " down; served there once the link is up");
            }
            return export.status();
        } catch (IOException | RuntimeException e) {
            if (store != null && !exports.containsKey(name)) {
                store.close();
                if (store.created()) {
                    deleteCreated(spec.store().path());
                }
            }
            if (!exports.containsKey(name)) {
                for (Port port : opened) {
                    port.close();
                }
            }
            throw e;
        }
    }

    /** Stops serving e{@code shelf}.{@code slot}; returns its last status, or null if not served. */
    public synchronized ExportStatus remove(int shelf, int slot) throws IOException {
        return remove(shelf, slot, Reclaim.NOTHING);
    }

    /**
     * Stops serving e{@code shelf}.{@code slot}, if served, and deletes what {@code reclaim} says:
     * the persisted state, and the file the export created. Returns its last status, or null if
     * not served.
     */
    public synchronized ExportStatus remove(int shelf, int slot, Reclaim reclaim) throws IOException {
        Export export = exports.remove(TargetAddress.name(shelf, slot));
        boolean created = reclaim.createdBefore() || export != null && export.store.created()
                && export.spec.store().path().equals(reclaim.file());
        ExportStatus last = export == null ? null : stop(export);
        if (reclaim.file() != null && created) {
            deleteCreated(reclaim.file());
        }
        if (reclaim.state() && stateDirectory != null) {
            StateFile.of(stateDirectory, shelf, slot).delete();
        }
        return last;
    }

    private ExportStatus stop(Export export) throws IOException {
        ExportStatus last = export.status();
        listener.stopped(export, List.of(export.ports));
        for (Port port : export.ports) {
            if (port.remove(export)) {
                ports.remove(port.interfaceName());
                port.close();
            }
        }
        export.close();
        LOG.info(() -> export.target + " no longer served");
        return last;
    }

    /** Deletes a file the engine created for an export; the one place such a file is deleted. */
    private static void deleteCreated(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            LOG.info(() -> "deleted " + file + ", created for its export");
        }
    }

    /**
     * Grows e{@code shelf}.{@code slot} live: a file source smaller than {@code fileSize} is grown
     * to it, and the source is measured again, so a file or device that grew under the export is
     * served whole ({@link FileStore#grow}). Initiators see the new size in their next IDENTIFY;
     * nothing else changes for them. Returns the status, or null if not served.
     */
    public synchronized ExportStatus grow(int shelf, int slot, OptionalLong fileSize) throws IOException {
        Export export = exports.get(TargetAddress.name(shelf, slot));
        if (export == null) {
            return null;
        }
        long before = export.store.sectors();
        long after = export.store.grow(fileSize);
        if (after != before) {
            LOG.info(() -> export.target + " grew from " + before + " to " + after + " sectors ("
                    + Sizes.format(after * FileStore.SECTOR_SIZE) + ")");
        }
        return export.status();
    }

    /** The status of e{@code shelf}.{@code slot}, or null if not served. */
    public synchronized ExportStatus status(int shelf, int slot) {
        Export export = exports.get(TargetAddress.name(shelf, slot));
        return export == null ? null : export.status();
    }

    /** What is served: the spec each export was added with, in the order added. */
    public synchronized List<ExportSpec> served() {
        return exports.values().stream().map(e -> e.spec).toList();
    }

    public synchronized List<ExportStatus> status() {
        List<ExportStatus> all = new ArrayList<>();
        for (Export e : exports.values()) {
            all.add(e.status());
        }
        return all;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Export e : new ArrayList<>(exports.values())) {
            remove(e.target.shelf(), e.target.slot());
        }
    }
}
