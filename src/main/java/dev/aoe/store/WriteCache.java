package dev.aoe.store;

/** When a write is acknowledged. */
public enum WriteCache {
    /** Acknowledged only once durable (fdatasync, shared by concurrent writers). The default. */
    OFF,
    /** Acknowledged from the page cache, as vblade does without -s: a node crash can lose it. */
    WRITE_BACK
}
