package dev.aoe.api;

/** When the engine acknowledges a write. */
public enum WriteCacheMode {
    /** Once durable (the default). */
    Off,
    /** From the page cache, as vblade does by default: a node crash loses acknowledged writes. */
    WriteBack
}
