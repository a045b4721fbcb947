package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.AoeExportStatus;
import dev.aoe.api.Conditions;
import dev.aoe.api.EngineReport;
import dev.aoe.api.EnginePath;
import dev.aoe.store.Sizes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the operator's part of an export's status (everything but {@code status.engine}) from
 * what was found and from the engine's report. Written once, used by every reconcile path:
 * {@code lastTransitionTime} is carried forward while a condition keeps its status.
 */
public final class StatusAggregator {
    static final String TRUE = "True";
    static final String FALSE = "False";
    /** Not refused for good: an address comes when the operator gets to it, or when one is freed. */
    private static final Set<String> WAITING_FOR_ADDRESS = Set.of(Conditions.ADDRESS_PENDING,
            Conditions.ADDRESS_POOL_EXHAUSTED);

    private final String defaultInterface;
    private final String engineNamespace;

    public StatusAggregator(String defaultInterface, String engineNamespace) {
        this.defaultInterface = defaultInterface;
        this.engineNamespace = engineNamespace;
    }

    private record Verdict(boolean ok, String reason, String message) {
    }

    public AoeExportStatus aggregate(AoeExport export, Findings findings, Instant now) {
        AoeExportStatus previous = Optional.ofNullable(export.getStatus()).orElseGet(AoeExportStatus::new);
        AoeExportSpec spec = export.getSpec();
        long generation = Optional.ofNullable(export.getMetadata().getGeneration()).orElse(1L);
        String node = spec == null ? null : spec.getNodeName();

        Verdict accepted = accepted(export, findings);
        // A refused change leaves the last accepted form in place: the engine keeps serving it.
        Long acceptedGeneration = accepted.ok() ? Long.valueOf(generation) : previous.getAcceptedGeneration();
        Verdict serving = serving(previous.getEngine(), acceptedGeneration);
        Verdict ready = ready(export, accepted, serving, previous.getEngine(), findings);

        AoeExportStatus status = new AoeExportStatus();
        status.setConditions(List.of(
                condition(previous, Conditions.ACCEPTED, accepted, generation, now),
                condition(previous, Conditions.SERVING, serving, generation, now),
                condition(previous, Conditions.READY, ready, generation, now)));
        status.setPhase(phase(export, accepted, serving, ready, previous.getPhase()));
        Address.of(export).ifPresent(a -> status.setTarget(a.toString()));
        status.setNode(node);
        status.setInterfaceName(spec == null ? defaultInterface : String.join(",", spec.interfaces(defaultInterface)));
        status.setSize(Optional.ofNullable(previous.getEngine()).map(EngineReport::getSizeBytes).map(Sizes::quantity)
                .orElse(null));
        status.setMessage(message(export, accepted, ready));
        status.setAcceptedGeneration(acceptedGeneration);
        status.setAcceptedFileSize(accepted.ok() ? fileSize(spec) : previous.getAcceptedFileSize());
        status.setObservedGeneration(generation);
        return status;
    }

    private static String fileSize(AoeExportSpec spec) {
        return spec.getSource() == null || spec.getSource().getFile() == null ? null : spec.getSource().getFile().getSize();
    }

    private Verdict accepted(AoeExport export, Findings f) {
        if (!f.invalidSpec().isEmpty()) {
            return refused(Conditions.INVALID_SPEC, String.join("; ", f.invalidSpec()) + "; fix the spec");
        }
        if (Address.of(export).isEmpty()) {
            return f.addressWait().map(w -> refused(w.reason(), w.message())).orElseGet(() -> refused(
                    Conditions.ADDRESS_PENDING, "waiting for the operator to assign an address from its pool"));
        }
        if (f.conflict().isPresent()) {
            return refused(f.conflict().get().reason(), f.conflict().get().message());
        }
        if (f.pathRefusal().isPresent()) {
            return refused(Conditions.PATH_NOT_ALLOWED, f.pathRefusal().get());
        }
        String node = export.getSpec().getNodeName();
        if (!f.nodeExists()) {
            return refused(Conditions.NODE_NOT_FOUND, "node " + node + " does not exist; nodeName is immutable: "
                    + "create a new AoeExport for an existing node (kubectl get nodes)");
        }
        return new Verdict(true, Conditions.VALID, export.targetName() + " on node " + node + " is accepted");
    }

    private static Verdict refused(String reason, String message) {
        return new Verdict(false, reason, message);
    }

    /** The engine's report counts only when it is about the accepted generation. */
    private static Verdict serving(EngineReport report, Long acceptedGeneration) {
        if (acceptedGeneration == null) {
            return new Verdict(false, Conditions.NOT_ACCEPTED, "not served: the export was never accepted (see Accepted)");
        }
        if (report == null || !acceptedGeneration.equals(report.getGeneration())) {
            return new Verdict(false, Conditions.STARTING, "the engine is applying generation " + acceptedGeneration);
        }
        String reason = Objects.requireNonNullElse(report.getReason(),
                report.isServing() ? Conditions.REASON_SERVING : Conditions.NOT_SERVING);
        String message = report.getMessage() != null ? report.getMessage()
                : report.isServing() ? "served by the engine" : "the engine does not serve it";
        return new Verdict(report.isServing(), reason, message);
    }

    /** The engine's presence is about readiness, never acceptance: it comes and goes by itself. */
    private Verdict ready(AoeExport export, Verdict accepted, Verdict serving, EngineReport report, Findings f) {
        String node = export.getSpec() == null ? null : export.getSpec().getNodeName();
        if (accepted.ok() && f.enginePod() == EnginePodState.ABSENT) {
            return f.engineCreateFailure().map(why -> new Verdict(false, Conditions.ENGINE_NOT_CREATED,
                            "no aoe-engine pod on node " + node + ": the DaemonSet cannot create its pods: " + why
                                    + "; fix that (kubectl -n " + engineNamespace + " describe daemonset)"))
                    .orElseGet(() -> new Verdict(false, Conditions.NO_ENGINE_ON_NODE, "waiting for the aoe-engine pod "
                            + "on node " + node + " (it starts within seconds of an install, an upgrade or a node joining); "
                            + "if this lasts, the DaemonSet's node selector or the node's taints keep it off (kubectl -n "
                            + engineNamespace + " get daemonset,pods -o wide)"));
        }
        if (accepted.ok() && f.enginePod() == EnginePodState.NOT_READY) {
            return new Verdict(false, Conditions.ENGINE_NOT_READY, "the aoe-engine pod on node " + node
                    + " is not Ready; see kubectl -n " + engineNamespace + " describe pods --field-selector spec.nodeName="
                    + node);
        }
        if (!accepted.ok() || !serving.ok()) {
            return new Verdict(false, Conditions.NOT_SERVING, accepted.ok() ? serving.message() : accepted.message());
        }
        return paths(export.targetName() + " is served by node " + node, report);
    }

    /**
     * Ready while at least one path's link is up; a down path names its interface. The engine
     * keeps serving a path whose link went down and answers there again once it comes up.
     */
    private static Verdict paths(String served, EngineReport report) {
        List<EnginePath> paths = report.getPaths() == null ? List.of() : report.getPaths();
        List<String> up = paths.stream().filter(EnginePath::isUp).map(EnginePath::getInterfaceName).toList();
        List<String> down = paths.stream().filter(p -> !p.isUp()).map(EnginePath::getInterfaceName).toList();
        if (down.isEmpty()) {
            return new Verdict(true, Conditions.REASON_READY, served);
        }
        String links = "the link of " + String.join(", ", down) + (down.size() == 1 ? " is" : " are") + " down";
        if (up.isEmpty()) {
            return new Verdict(false, Conditions.INTERFACE_DOWN, "not reachable: " + links
                    + "; it is served again as soon as one comes up");
        }
        return new Verdict(true, Conditions.PATHS_DOWN, served + " on " + String.join(", ", up) + " only: " + links
                + "; those paths serve again when their links come up");
    }

    /** The reason of the Ready condition, null before the operator wrote one. */
    static String readyReason(AoeExportStatus status) {
        return status.getConditions().stream().filter(c -> Conditions.READY.equals(c.getType()))
                .map(Condition::getReason).findFirst().orElse(null);
    }

    private static String phase(AoeExport export, Verdict accepted, Verdict serving, Verdict ready, String previous) {
        if (export.isMarkedForDeletion()) {
            return Conditions.TERMINATING;
        }
        if (WAITING_FOR_ADDRESS.contains(accepted.reason())) {
            return Conditions.PENDING;
        }
        if (!accepted.ok()) {
            return Conditions.FAILED;
        }
        if (ready.ok()) {
            return Conditions.PATHS_DOWN.equals(ready.reason()) ? Conditions.DEGRADED : Conditions.PHASE_SERVING;
        }
        if (Conditions.INTERFACE_DOWN.equals(ready.reason())) {
            return Conditions.DEGRADED;
        }
        boolean wasServing = Conditions.PHASE_SERVING.equals(previous) || Conditions.DEGRADED.equals(previous);
        boolean startingUp = Conditions.STARTING.equals(serving.reason());
        return wasServing && !startingUp ? Conditions.DEGRADED : Conditions.PENDING;
    }

    private static String message(AoeExport export, Verdict accepted, Verdict ready) {
        if (export.isMarkedForDeletion()) {
            return "being deleted: waiting for the engine on node " + export.getSpec().getNodeName()
                    + " to stop serving it and release finalizer " + AoeExport.ENGINE_FINALIZER;
        }
        return accepted.ok() ? ready.message() : accepted.message();
    }

    private static Condition condition(AoeExportStatus previous, String type, Verdict v, long generation, Instant now) {
        String status = v.ok() ? TRUE : FALSE;
        String since = previous.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(v.reason()).withMessage(v.message())
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
    }
}
