package dev.aoe.operator;

import java.util.List;
import java.util.Optional;

/**
 * What the operator found out about one export, in the order it is admitted: a valid spec, no
 * conflict, a path the policy allows, an existing node, an engine on that node.
 */
public record Findings(List<String> invalidSpec, Optional<Conflict> conflict, Optional<String> pathRefusal,
                       boolean nodeExists, EnginePodState enginePod) {
}
