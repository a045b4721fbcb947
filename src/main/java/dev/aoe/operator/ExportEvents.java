package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Records a core/v1 Event each time a condition changes status or reason, so that
 * {@code kubectl describe aoe} tells the history. Unchanged reconciles record nothing.
 */
public final class ExportEvents {
    /** Events of cluster-scoped objects live in "default", as the kubelet does for Nodes. */
    static final String EVENT_NAMESPACE = "default";
    static final String COMPONENT = "aoe-operator";
    static final String NORMAL = "Normal";
    static final String WARNING = "Warning";
    /** The reason of the Event that tells which address the operator assigned. */
    static final String ASSIGNED = "AddressAssigned";
    /**
     * Reasons of a False condition that are steps on the way or heal by themselves (an engine
     * starting, restarting or rolling to a new version), not faults.
     */
    private static final Set<String> UNEVENTFUL_FALSE = Set.of(Conditions.STARTING, Conditions.NOT_ACCEPTED,
            Conditions.NOT_SERVING, Conditions.ADDRESS_PENDING, Conditions.NO_ENGINE_ON_NODE, Conditions.ENGINE_NOT_READY,
            Conditions.ENGINE_STOPPED);

    private ExportEvents() {
    }

    static void recordTransitions(KubernetesClient client, AoeExport export, List<Condition> before,
                                  List<Condition> after, Instant now) {
        for (Condition c : after) {
            Condition old = before.stream().filter(b -> c.getType().equals(b.getType())).findFirst().orElse(null);
            if (old == null || !Objects.equals(old.getStatus(), c.getStatus())
                    || !Objects.equals(old.getReason(), c.getReason())) {
                record(client, export, type(c), c.getReason(), c.getType() + ": " + c.getMessage(),
                        c.getType().toLowerCase(Locale.ROOT), now);
            }
        }
    }

    /** The address the operator assigned from its pool and wrote into the export's spec. */
    static void recordAssigned(KubernetesClient client, AoeExport export, Address address, AddressPool pool, Instant now) {
        record(client, export, NORMAL, ASSIGNED, "Assigned " + address + " from the address pool (" + pool + ")",
                "address", now);
    }

    static String type(Condition c) {
        boolean fault = StatusAggregator.FALSE.equals(c.getStatus()) && !UNEVENTFUL_FALSE.contains(c.getReason());
        return fault ? WARNING : NORMAL;
    }

    private static void record(KubernetesClient client, AoeExport export, String type, String reason, String message,
                               String suffix, Instant now) {
        String name = export.getMetadata().getName();
        String time = now.toString();
        client.v1().events().inNamespace(EVENT_NAMESPACE).resource(new EventBuilder()
                // client-go's scheme (object name, nanosecond stamp), plus a suffix: one reconcile may record four.
                .withNewMetadata().withName(name + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                        + "-" + suffix)
                .withNamespace(EVENT_NAMESPACE).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(export.getApiVersion())
                        .withKind(export.getKind()).withName(name).withUid(export.getMetadata().getUid())
                        .withResourceVersion(export.getMetadata().getResourceVersion()).build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build()).create();
    }
}
