package dev.aoe.api;

/** What happens to the source file when its export is deleted. */
public enum ReclaimPolicy {
    /** Keep it. The default. */
    Retain,
    /** Delete it, if this export created it. Devices and pre-existing files are never deleted. */
    Delete
}
