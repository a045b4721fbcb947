package dev.aoe.operator;

/** The engine pod on an export's node, as far as readiness goes. */
public enum EnginePodState {
    ABSENT, NOT_READY, READY
}
