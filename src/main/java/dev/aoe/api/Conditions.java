package dev.aoe.api;

/** Condition types, reasons and phases of an AoeExport, in one place for operator and engine. */
public final class Conditions {
    public static final String ACCEPTED = "Accepted";
    public static final String SERVING = "Serving";
    public static final String READY = "Ready";

    // Accepted reasons
    public static final String VALID = "Valid";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String ADDRESS_CONFLICT = "AddressConflict";
    public static final String SOURCE_CONFLICT = "SourceConflict";
    public static final String PATH_NOT_ALLOWED = "PathNotAllowed";
    public static final String NODE_NOT_FOUND = "NodeNotFound";
    /** No address in the spec yet: the operator assigns one from its pool. */
    public static final String ADDRESS_PENDING = "AddressPending";
    /** No address in the spec, and none free in the operator's pool. */
    public static final String ADDRESS_POOL_EXHAUSTED = "AddressPoolExhausted";

    // Serving reasons (the engine's report, or the operator's when there is none)
    public static final String REASON_SERVING = "Serving";
    public static final String STARTING = "Starting";
    public static final String NOT_ACCEPTED = "NotAccepted";
    public static final String SOURCE_UNAVAILABLE = "SourceUnavailable";
    public static final String INTERFACE_DOWN = "InterfaceDown";
    public static final String ADDRESS_IN_USE = "AddressInUse";
    /** The engine was stopped (a restart resumes serving). */
    public static final String ENGINE_STOPPED = "EngineStopped";
    /** Any other failure; the message carries the engine's error. */
    public static final String REASON_FAILED = "Failed";

    // Ready reasons
    public static final String REASON_READY = "Ready";
    /** Ready on some paths while the links of others are down: the phase says Degraded. */
    public static final String PATHS_DOWN = "PathsDown";
    public static final String ENGINE_NOT_READY = "EngineNotReady";
    /** No engine pod on the node (yet: an install or a rolling restart takes seconds). */
    public static final String NO_ENGINE_ON_NODE = "NoEngineOnNode";
    /** No engine pod on the node, and the DaemonSet reports that it cannot create pods. */
    public static final String ENGINE_NOT_CREATED = "EnginePodNotCreated";
    public static final String NOT_SERVING = "NotServing";

    // Phases
    public static final String PENDING = "Pending";
    public static final String PHASE_SERVING = "Serving";
    public static final String DEGRADED = "Degraded";
    public static final String FAILED = "Failed";
    public static final String TERMINATING = "Terminating";

    private Conditions() {
    }
}
