package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.testing.Exports;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * The cluster around the operator in the fault-tolerance tests: nodes with engine pods, exports,
 * their events, and operators started on a mock server (no SSA: the mock lacks it).
 */
final class SimulatedCluster {
    static final Duration WAIT = Duration.ofSeconds(20);
    private final KubernetesClient client;

    SimulatedCluster(KubernetesClient client) {
        this.client = client;
    }

    static Operator startOperator(KubernetesClient client, AoeExportReconciler reconciler,
                                  Consumer<ConfigurationServiceOverrider> more) {
        return startOperator(client, reconciler, null, more);
    }

    /**
     * An operator as OperatorCommand runs it: the reconciler, and the engine DaemonSet's owner,
     * started at once or, with {@code election} (nullable), when this replica leads; both stop with it.
     */
    static Operator startOperator(KubernetesClient client, AoeExportReconciler reconciler,
                                  LeaderElectionConfiguration election, Consumer<ConfigurationServiceOverrider> more) {
        EngineDaemonSetOwner engineDaemonSet = new EngineDaemonSetOwner(client, Exports.config());
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false);
            if (election != null) {
                o.withLeaderElectionConfiguration(engineDaemonSet.whenLeading(election));
            }
            more.accept(o);
        }) {
            @Override
            public void stop() {
                engineDaemonSet.close();
                super.stop();
            }
        };
        operator.register(reconciler);
        operator.start();
        engineDaemonSet.startWith(operator);
        return operator;
    }

    void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    void readyNode(String name) {
        node(name);
        var pod = new PodBuilder().withNewMetadata().withName("aoe-engine-" + name).withNamespace(Exports.NAMESPACE)
                .withLabels(new EngineDaemonSet(Exports.config()).selector()).endMetadata()
                .withNewSpec().withNodeName(name).addNewContainer().withName("engine").withImage("aoe").endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
        client.pods().inNamespace(Exports.NAMESPACE).resource(pod).createOr(p -> p.update());
    }

    AoeExport create(AoeExport export) {
        return client.resource(export).create();
    }

    AoeExport get(String name) {
        return client.resources(AoeExport.class).withName(name).get();
    }

    static Optional<Condition> condition(AoeExport e, String type) {
        return e.getStatus() == null ? Optional.empty()
                : e.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static String reason(AoeExport e, String type) {
        return condition(e, type).map(Condition::getReason).orElse(null);
    }

    static String nodeLabel(AoeExport e) {
        return Optional.ofNullable(e.getMetadata().getLabels()).map(l -> l.get(AoeExport.NODE_LABEL)).orElse(null);
    }

    AoeExport awaitExport(String name, Predicate<AoeExport> p) {
        await().atMost(WAIT).until(() -> {
            AoeExport e = get(name);
            return e != null && e.getStatus() != null && p.test(e);
        });
        return get(name);
    }

    /** Accepted with {@code reason} and, when accepted, bound to its node. */
    AoeExport awaitSettled(String name, String reason) {
        return awaitExport(name, e -> reason.equals(reason(e, dev.aoe.api.Conditions.ACCEPTED))
                && (!dev.aoe.api.Conditions.VALID.equals(reason) || e.getSpec().getNodeName().equals(nodeLabel(e))));
    }

    List<Event> events(String name) {
        return client.v1().events().inNamespace(ExportEvents.EVENT_NAMESPACE).list().getItems().stream()
                .filter(ev -> name.equals(ev.getInvolvedObject().getName())).toList();
    }

    /** Events per "condition/reason" of an export: one per transition is the contract. */
    Map<String, Long> eventCounts(String name) {
        return events(name).stream().collect(java.util.stream.Collectors.groupingBy(
                ev -> ev.getMessage().substring(0, ev.getMessage().indexOf(':')) + "/" + ev.getReason(),
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    List<DaemonSet> daemonSets() {
        return client.apps().daemonSets().inNamespace(Exports.NAMESPACE).list().getItems();
    }

    long finalizerCount(AoeExport e, String finalizer) {
        return e.getMetadata().getFinalizers().stream().filter(finalizer::equals).count();
    }
}
