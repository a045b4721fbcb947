package dev.aoe.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the engine DaemonSet has fewer pods than nodes to run on, when its controller says so: a
 * {@code FailedCreate} Event (a missing ServiceAccount, a PodSecurity refusal, a quota). The
 * DaemonSet's status has no condition for it; only the Events tell, so a missing engine pod is
 * explained by them, and otherwise by the node selector and taints that keep it off a node.
 */
final class EngineCreation {
    /** How often an export waiting for its engine pod is looked at again. */
    static final Duration RECHECK = Duration.ofSeconds(15);
    /** One lookup serves every export waiting at once. */
    private static final Duration REUSE = Duration.ofSeconds(5);
    private static final String FAILED_CREATE = "FailedCreate";

    private record Lookup(Instant at, String daemonSetUid, Optional<String> failure) {
    }

    private final Clock clock;
    private volatile Lookup last;

    EngineCreation(Clock clock) {
        this.clock = clock;
    }

    /** The newest FailedCreate message of {@code ds}, while it has fewer pods than it should. */
    Optional<String> failure(KubernetesClient client, DaemonSet ds) {
        if (ds == null || !missingPods(ds.getStatus())) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Lookup known = last;
        String uid = ds.getMetadata().getUid();
        if (known != null && Objects.equals(known.daemonSetUid(), uid) && now.isBefore(known.at().plus(REUSE))) {
            return known.failure();
        }
        String name = ds.getMetadata().getName();
        Optional<String> failure = client.v1().events().inNamespace(ds.getMetadata().getNamespace()).list().getItems()
                .stream()
                .filter(e -> FAILED_CREATE.equals(e.getReason()) && e.getInvolvedObject() != null
                        && "DaemonSet".equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .max(Comparator.comparing(EngineCreation::when))
                .map(Event::getMessage);
        last = new Lookup(now, uid, failure);
        return failure;
    }

    /** Whether the DaemonSet's count of nodes that should run a pod or do run one changed: then a pod may be missing. */
    static boolean podsScheduledChanged(DaemonSet now, DaemonSet before) {
        return !scheduled(now).equals(scheduled(before));
    }

    private static List<Integer> scheduled(DaemonSet ds) {
        DaemonSetStatus s = ds.getStatus();
        return s == null ? List.of() : Arrays.asList(s.getDesiredNumberScheduled(), s.getCurrentNumberScheduled());
    }

    private static boolean missingPods(DaemonSetStatus status) {
        return status != null && status.getDesiredNumberScheduled() != null && status.getCurrentNumberScheduled() != null
                && status.getCurrentNumberScheduled() < status.getDesiredNumberScheduled();
    }

    /** Events carry lastTimestamp (core/v1 recorders) or eventTime (events.k8s.io recorders). */
    private static String when(Event e) {
        if (e.getLastTimestamp() != null) {
            return e.getLastTimestamp();
        }
        return e.getEventTime() == null ? "" : String.valueOf(e.getEventTime().getTime());
    }
}
