package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.AoeExportStatus;
import dev.aoe.api.Conditions;
import dev.aoe.config.AoeConfig;
import dev.aoe.policy.PathPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Admits, binds and reports on AoeExports: validate, assign an address from the pool to an export
 * that names none, resolve conflicts, apply the path policy, check the node and its engine, bind
 * the accepted export to its node, then write the operator's part of the status and an Event per
 * condition change. The engine DaemonSet is kept by {@link EngineDaemonSetOwner}; this reconciler
 * only reads it.
 * <p>
 * Everything is event driven, through informers whose events map back to the exports concerned:
 * engine pods and nodes to the exports on that node; exports to the exports contending for the
 * same address or source (so that when a holder goes away the one waiting takes over at once), and
 * a deleted export's address to the exports waiting for one from an exhausted pool; the engine
 * DaemonSet to every export (only when its count of pods to run or running changes, or it appears
 * or goes: then why a pod is missing may change).
 * <p>
 * The status does not depend on the primary's generation alone (the engine's report changes it),
 * so event processing is not generation-aware. The operator's own finalizer makes deletions
 * visible: when the node is gone no engine can release its finalizer, and the operator does.
 */
@Singleton
@ControllerConfiguration(name = AoeExportReconciler.NAME, finalizerName = AoeExport.OPERATOR_FINALIZER,
        generationAwareEventProcessing = false)
public class AoeExportReconciler implements Reconciler<AoeExport>, Cleaner<AoeExport> {
    public static final String NAME = "aoeexport";
    private static final String BY_NODE = "node";
    private static final String BY_ADDRESS = "address";
    private static final String BY_SOURCE = "source";
    private static final String WAITING_FOR_ADDRESS = "waiting-for-address";
    /** How soon an export without an address looks again, besides when an export is deleted. */
    static final Duration ADDRESS_RECHECK = Duration.ofSeconds(30);

    private final AoeConfig.EngineDaemonSet engineConfig;
    private final String engineSelector;
    private final EngineCreation engineCreation;
    private final StatusAggregator aggregator;
    private final PathPolicy policy;
    private final AddressAllocator addresses;
    private final Clock clock;
    private final MeterRegistry registry;
    private OperatorMetrics metrics;
    private InformerEventSource<Pod, AoeExport> enginePods;
    private InformerEventSource<Node, AoeExport> nodes;
    private InformerEventSource<DaemonSet, AoeExport> daemonSets;

    @Inject
    public AoeExportReconciler(AoeConfig config, MeterRegistry registry) {
        this(config, Clock.systemUTC(), registry);
    }

    /** Records no metrics (an empty composite registry keeps none). */
    public AoeExportReconciler(AoeConfig config) {
        this(config, Clock.systemUTC());
    }

    public AoeExportReconciler(AoeConfig config, Clock clock) {
        this(config, clock, new CompositeMeterRegistry());
    }

    public AoeExportReconciler(AoeConfig config, Clock clock, MeterRegistry registry) {
        this.engineConfig = config.engine();
        this.engineSelector = new EngineDaemonSet(config).selectorString();
        this.engineCreation = new EngineCreation(clock);
        this.aggregator = new StatusAggregator(config.defaultInterface(), engineConfig.namespace());
        this.policy = config.pathPolicy();
        this.addresses = new AddressAllocator(new AddressPool(config.addressPool().shelves(), config.addressPool().slots()),
                new AddressTable(engineConfig.namespace(), new OperatorDeployment(engineConfig.namespace(),
                        engineConfig.ownerDeployment())));
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, AoeExport>> prepareEventSources(EventSourceContext<AoeExport> context) {
        var exports = context.getPrimaryCache();
        exports.addIndexer(BY_NODE, e -> keys(nodeOf(e)));
        exports.addIndexer(BY_ADDRESS, e -> keys(addressOf(e)));
        exports.addIndexer(BY_SOURCE, e -> keys(sourceOf(e)));
        exports.addIndexer(WAITING_FOR_ADDRESS, e -> Address.of(e).isEmpty() ? List.of(WAITING_FOR_ADDRESS) : List.of());
        metrics = new OperatorMetrics(registry, exports);
        String namespace = engineConfig.namespace();
        enginePods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, AoeExport.class)
                .withName("engine-pods").withNamespaces(namespace).withLabelSelector(engineSelector)
                .withSecondaryToPrimaryMapper(p -> ids(exports.byIndex(BY_NODE, String.valueOf(p.getSpec().getNodeName()))))
                .build(), context);
        // Only a node's existence matters; its status updates are noise.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, AoeExport.class)
                .withName("nodes").withOnUpdateFilter((now, before) -> false)
                .withSecondaryToPrimaryMapper(n -> ids(exports.byIndex(BY_NODE, n.getMetadata().getName())))
                .build(), context);
        daemonSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(DaemonSet.class, AoeExport.class)
                .withName("engine-daemonset").withNamespaces(namespace).withLabelSelector(engineSelector)
                .withOnUpdateFilter(EngineCreation::podsScheduledChanged)
                .withSecondaryToPrimaryMapper(d -> ids(exports.list().toList()))
                .build(), context);
        // Bounded: an export event wakes only the exports sharing its address or its source, and a
        // deletion those waiting for an address from the pool (none, unless it ran out).
        InformerEventSource<AoeExport, AoeExport> contenders = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(AoeExport.class, AoeExport.class)
                        .withName("contending-exports")
                        .withOnUpdateFilter((now, before) -> generationChanged(now, before)
                                || now.isMarkedForDeletion() != before.isMarkedForDeletion())
                        .withSecondaryToPrimaryMapper(e -> contendersOf(exports, e))
                        .build(), context);
        return List.of(enginePods, nodes, daemonSets, contenders);
    }

    @Override
    public UpdateControl<AoeExport> reconcile(AoeExport export, Context<AoeExport> context) {
        return metrics.reconcile(() -> admitAndReport(export, context));
    }

    private UpdateControl<AoeExport> admitAndReport(AoeExport cached, Context<AoeExport> context) {
        KubernetesClient client = context.getClient();
        Addressed addressed = needsAddress(cached) ? assignAddress(client, cached, context)
                : new Addressed(cached, Optional.empty());
        AoeExport export = addressed.export();
        Optional<Conflict> addressWait = addressed.why();
        AoeExportStatus status = aggregator.aggregate(export, findings(export, context, addressWait), clock.instant());
        // Status first: the engine reports only on bound exports, so it never finds one without status.
        write(client, export, status);
        if (accepted(export, status) && !nodeOf(export).equals(labels(export).get(AoeExport.NODE_LABEL))) {
            ExportPatches.bindToNode(client, export, nodeOf(export));
        }
        // Nothing may announce why an engine pod stays missing (the DaemonSet controller's events
        // are not watched): look again while waiting for one. Likewise for an address: a deletion
        // wakes the waiting exports, but may reach them before their cache has let go of it.
        if (addressWait.isPresent()) {
            return UpdateControl.<AoeExport>noUpdate().rescheduleAfter(ADDRESS_RECHECK);
        }
        return Conditions.NO_ENGINE_ON_NODE.equals(StatusAggregator.readyReason(status))
                ? UpdateControl.<AoeExport>noUpdate().rescheduleAfter(EngineCreation.RECHECK)
                : UpdateControl.noUpdate();
    }

    /**
     * Keeps the deleted export until its engine let go of it, or releases the engine's hold when the
     * node is gone; then drops its entry from the address table.
     */
    @Override
    public DeleteControl cleanup(AoeExport export, Context<AoeExport> context) {
        return metrics.reconcile(() -> release(export, context));
    }

    private DeleteControl release(AoeExport export, Context<AoeExport> context) {
        Findings findings = findings(export, context, Optional.empty());
        boolean engineHolds = export.getMetadata().getFinalizers().contains(AoeExport.ENGINE_FINALIZER);
        if (engineHolds && !findings.nodeExists()) {
            ExportPatches.releaseEngineFinalizer(context.getClient(), export);
            addresses.release(context.getClient(), export);
            return DeleteControl.defaultDelete();
        }
        write(context.getClient(), export, aggregator.aggregate(export, findings, clock.instant()));
        if (engineHolds) {
            return DeleteControl.noFinalizerRemoval();
        }
        addresses.release(context.getClient(), export);
        return DeleteControl.defaultDelete();
    }

    /** An export that names no address gets one from the pool, unless it is going away or invalid anyway. */
    private static boolean needsAddress(AoeExport export) {
        return !export.isMarkedForDeletion() && Address.of(export).isEmpty()
                && ExportValidator.validate(export.getSpec()).isEmpty();
    }

    /** The export as it is after an address was assigned to it, or why it has none yet. */
    private record Addressed(AoeExport export, Optional<Conflict> why) {
    }

    private Addressed assignAddress(KubernetesClient client, AoeExport export, Context<AoeExport> context) {
        try {
            Optional<Address> assigned = addresses.assign(client, export, context.getPrimaryCache().list().toList());
            if (assigned.isEmpty()) {
                return new Addressed(export, Optional.of(new Conflict(Conditions.ADDRESS_POOL_EXHAUSTED, "no free address"
                        + " in the operator's address pool (" + addresses.pool() + ": " + addresses.pool().size()
                        + " addresses, all taken); widen it (the chart's addressPool values, AOE_ADDRESS_POOL_SHELVES and"
                        + " AOE_ADDRESS_POOL_SLOTS), set shelf and slot yourself, or delete an export")));
            }
            AoeExport patched = ExportPatches.assignAddress(client, export, assigned.get());
            ExportEvents.recordAssigned(client, patched, assigned.get(), addresses.pool(), clock.instant());
            return new Addressed(patched, Optional.empty());
        } catch (KubernetesClientException e) {
            return new Addressed(export, Optional.of(new Conflict(Conditions.ADDRESS_PENDING, "waiting for an address"
                    + " from the pool: " + addresses.table() + " or the export could not be read or written ("
                    + e.getMessage() + "); retrying")));
        }
    }


    private Findings findings(AoeExport export, Context<AoeExport> context, Optional<Conflict> addressWait) {
        AoeExportSpec spec = export.getSpec();
        List<String> invalid = ExportValidator.validate(spec,
                export.getStatus() == null ? null : export.getStatus().getAcceptedFileSize());
        Optional<Conflict> conflict = Optional.empty();
        Optional<String> refusal = Optional.empty();
        if (invalid.isEmpty()) {
            conflict = ConflictResolver.check(export, contestants(context.getPrimaryCache(), export));
            refusal = policy.checkDeclared(spec.getSource().path(), spec.getSource().getDevice() != null);
        }
        String node = nodeOf(export);
        boolean nodeExists = node != null && nodes.get(new ResourceID(node)).isPresent();
        EnginePodState pod = enginePod(node);
        Optional<String> createFailure = pod == EnginePodState.ABSENT
                ? engineCreation.failure(context.getClient(), cachedDaemonSet()) : Optional.empty();
        return new Findings(invalid, conflict, refusal, nodeExists, pod, createFailure, addressWait);
    }

    private DaemonSet cachedDaemonSet() {
        return daemonSets.get(new ResourceID(engineConfig.name(), engineConfig.namespace())).orElse(null);
    }

    private EnginePodState enginePod(String node) {
        List<Pod> pods = node == null ? List.of() : enginePods.list(engineConfig.namespace(),
                p -> node.equals(p.getSpec().getNodeName()) && !p.isMarkedForDeletion()).toList();
        if (pods.isEmpty()) {
            return EnginePodState.ABSENT;
        }
        boolean ready = pods.stream().anyMatch(Readiness::isPodReady);
        return ready ? EnginePodState.READY : EnginePodState.NOT_READY;
    }

    /** Patches and records only when the operator's part of the status changed. */
    private void write(KubernetesClient client, AoeExport export, AoeExportStatus status) {
        AoeExportStatus previous = export.getStatus();
        if (ExportPatches.operatorFields(previous).equals(ExportPatches.operatorFields(status))) {
            return;
        }
        ExportPatches.patchStatus(client, export, status);
        ExportEvents.recordTransitions(client, export, previous == null ? List.of() : previous.getConditions(),
                status.getConditions(), clock.instant());
    }

    private static boolean accepted(AoeExport export, AoeExportStatus status) {
        return !export.isMarkedForDeletion()
                && Objects.equals(status.getAcceptedGeneration(), export.getMetadata().getGeneration())
                && status.getConditions().stream().anyMatch(c -> Conditions.ACCEPTED.equals(c.getType())
                && StatusAggregator.TRUE.equals(c.getStatus()));
    }

    /**
     * The exports with the same address or the same source as {@code export}, itself included:
     * from the indexes, so that a reconcile costs the same with ten exports or ten thousand.
     */
    private static List<AoeExport> contestants(IndexedResourceCache<AoeExport> exports, AoeExport export) {
        List<AoeExport> contestants = new ArrayList<>();
        addressOf(export).ifPresent(a -> contestants.addAll(exports.byIndex(BY_ADDRESS, a)));
        sourceOf(export).ifPresent(s -> contestants.addAll(exports.byIndex(BY_SOURCE, s)));
        return contestants;
    }

    private static Set<ResourceID> contendersOf(IndexedResourceCache<AoeExport> exports, AoeExport export) {
        Set<ResourceID> ids = new HashSet<>(ids(contestants(exports, export)));
        if (export.isMarkedForDeletion() && Address.of(export).isPresent()) {
            ids.addAll(ids(exports.byIndex(WAITING_FOR_ADDRESS, WAITING_FOR_ADDRESS)));
        }
        ids.remove(ResourceID.fromResource(export));
        return ids;
    }

    private static String nodeOf(AoeExport e) {
        return e.getSpec() == null ? null : e.getSpec().getNodeName();
    }

    private static Optional<String> addressOf(AoeExport e) {
        return Address.of(e).map(Address::toString);
    }

    private static Optional<String> sourceOf(AoeExport e) {
        AoeExportSpec s = e.getSpec();
        String path = s == null ? null : ConflictResolver.normalisedPath(s);
        return path == null ? Optional.empty() : Optional.of(s.getNodeName() + ":" + path);
    }

    private static List<String> keys(String key) {
        return key == null ? List.of() : List.of(key);
    }

    private static List<String> keys(Optional<String> key) {
        return key.map(List::of).orElse(List.of());
    }

    private static Set<ResourceID> ids(List<AoeExport> exports) {
        return exports.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static Map<String, String> labels(AoeExport e) {
        return Optional.ofNullable(e.getMetadata().getLabels()).orElse(Map.of());
    }

    private static boolean generationChanged(HasMetadata now, HasMetadata before) {
        return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration());
    }
}
