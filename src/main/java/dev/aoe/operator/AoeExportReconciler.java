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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Admits, binds and reports on AoeExports: validate, resolve conflicts, apply the path policy,
 * check the node and its engine, bind the accepted export to its node, then write the operator's
 * part of the status and an Event per condition change. Also keeps the engine DaemonSet in shape.
 * <p>
 * Everything is event driven, through informers whose events map back to the exports concerned:
 * engine pods and nodes to the exports on that node; exports to the exports contending for the
 * same address or source (so that when a holder goes away the one waiting takes over at once);
 * the engine DaemonSet to every export (only on a spec change or deletion, to restore it).
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

    private final AoeConfig.EngineDaemonSet engineConfig;
    private final EngineDaemonSet engineDaemonSet;
    private final EngineCreation engineCreation;
    private final StatusAggregator aggregator;
    private final PathPolicy policy;
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
        this.engineDaemonSet = new EngineDaemonSet(config);
        this.engineCreation = new EngineCreation(clock);
        this.aggregator = new StatusAggregator(config.defaultInterface(), engineConfig.namespace());
        this.policy = config.pathPolicy();
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, AoeExport>> prepareEventSources(EventSourceContext<AoeExport> context) {
        var exports = context.getPrimaryCache();
        exports.addIndexer(BY_NODE, e -> keys(nodeOf(e)));
        exports.addIndexer(BY_ADDRESS, e -> keys(addressOf(e)));
        exports.addIndexer(BY_SOURCE, e -> keys(sourceOf(e)));
        metrics = new OperatorMetrics(registry, exports);
        String namespace = engineConfig.namespace();
        enginePods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, AoeExport.class)
                .withName("engine-pods").withNamespaces(namespace).withLabelSelector(engineDaemonSet.selectorString())
                .withSecondaryToPrimaryMapper(p -> ids(exports.byIndex(BY_NODE, String.valueOf(p.getSpec().getNodeName()))))
                .build(), context);
        // Only a node's existence matters; its status updates are noise.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, AoeExport.class)
                .withName("nodes").withOnUpdateFilter((now, before) -> false)
                .withSecondaryToPrimaryMapper(n -> ids(exports.byIndex(BY_NODE, n.getMetadata().getName())))
                .build(), context);
        daemonSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(DaemonSet.class, AoeExport.class)
                .withName("engine-daemonset").withNamespaces(namespace).withLabelSelector(engineDaemonSet.selectorString())
                .withOnUpdateFilter((now, before) -> generationChanged(now, before)
                        || EngineCreation.podsScheduledChanged(now, before))
                .withSecondaryToPrimaryMapper(d -> ids(exports.list().toList()))
                .build(), context);
        // Bounded: an export event wakes only the exports sharing its address or its source.
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

    private UpdateControl<AoeExport> admitAndReport(AoeExport export, Context<AoeExport> context) {
        KubernetesClient client = context.getClient();
        engineDaemonSet.ensure(client, cachedDaemonSet());
        AoeExportStatus status = aggregator.aggregate(export, findings(export, context), clock.instant());
        // Status first: the engine reports only on bound exports, so it never finds one without status.
        write(client, export, status);
        if (accepted(export, status) && !nodeOf(export).equals(labels(export).get(AoeExport.NODE_LABEL))) {
            ExportPatches.bindToNode(client, export, nodeOf(export));
        }
        // Nothing may announce why an engine pod stays missing (the DaemonSet controller's events
        // are not watched): look again while waiting for one.
        return Conditions.NO_ENGINE_ON_NODE.equals(StatusAggregator.readyReason(status))
                ? UpdateControl.<AoeExport>noUpdate().rescheduleAfter(EngineCreation.RECHECK)
                : UpdateControl.noUpdate();
    }

    /** Keeps the deleted export until its engine let go of it, or releases the engine's hold when the node is gone. */
    @Override
    public DeleteControl cleanup(AoeExport export, Context<AoeExport> context) {
        return metrics.reconcile(() -> release(export, context));
    }

    private DeleteControl release(AoeExport export, Context<AoeExport> context) {
        Findings findings = findings(export, context);
        boolean engineHolds = export.getMetadata().getFinalizers().contains(AoeExport.ENGINE_FINALIZER);
        if (engineHolds && !findings.nodeExists()) {
            ExportPatches.releaseEngineFinalizer(context.getClient(), export);
            return DeleteControl.defaultDelete();
        }
        write(context.getClient(), export, aggregator.aggregate(export, findings, clock.instant()));
        return engineHolds ? DeleteControl.noFinalizerRemoval() : DeleteControl.defaultDelete();
    }

    private Findings findings(AoeExport export, Context<AoeExport> context) {
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
        return new Findings(invalid, conflict, refusal, nodeExists, pod, createFailure);
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
        ids.remove(ResourceID.fromResource(export));
        return ids;
    }

    private static String nodeOf(AoeExport e) {
        return e.getSpec() == null ? null : e.getSpec().getNodeName();
    }

    private static Optional<String> addressOf(AoeExport e) {
        AoeExportSpec s = e.getSpec();
        return s == null || s.getShelf() == null || s.getSlot() == null ? Optional.empty()
                : Optional.of(s.getShelf() + "." + s.getSlot());
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
