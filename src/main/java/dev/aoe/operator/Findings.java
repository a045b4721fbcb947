package dev.aoe.operator;

import java.util.List;
import java.util.Optional;

/**
 * What the operator found out about one export. The spec's part decides whether it is accepted,
 * in this order: a valid spec, no conflict, a path the policy allows, an existing node. The
 * engine's part (its pod on the node, or why the DaemonSet cannot create one) changes by itself
 * and decides only whether it is ready.
 */
public record Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                       boolean nodeExists, EnginePodState enginePod, Optional<String> engineCreateFailure) {

    public Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                    boolean nodeExists, EnginePodState enginePod) {
        this(invalidSpec, conflict, pathRefusal, nodeExists, enginePod, Optional.empty());
    }
}
