package dev.aoe.operator;

import java.util.List;
import java.util.Optional;

/**
 * What the operator found out about one export. The spec's part decides whether it is accepted,
 * in this order: a valid spec, an address (the user's, or one assigned from the pool), no
 * conflict, a path the policy allows, an existing node. The engine's part (its pod on the node,
 * or why the DaemonSet cannot create one) changes by itself and decides only whether it is ready.
 *
 * @param addressWait why an export that names no address has none yet (reason and message);
 *                    empty for an export with an address
 */
public record Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                       boolean nodeExists, EnginePodState enginePod, Optional<String> engineCreateFailure,
                       Optional<Conflict> addressWait) {

    public Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                    boolean nodeExists, EnginePodState enginePod, Optional<String> engineCreateFailure) {
        this(invalidSpec, conflict, pathRefusal, nodeExists, enginePod, engineCreateFailure, Optional.empty());
    }

    public Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                    boolean nodeExists, EnginePodState enginePod) {
        this(invalidSpec, conflict, pathRefusal, nodeExists, enginePod, Optional.empty());
    }
}
