package dev.aoe.engine;

/**
 * The exports a receive loop queued requests for during one received batch, each woken once
 * when the whole batch is dispatched: one wake-up per batch, not one per frame. Confined to its
 * receive thread: an export on several ports is fed by several loops, each noting its own.
 */
final class Wakeups {
    private final Export[] exports;
    private int count;

    Wakeups(int capacity) {
        this.exports = new Export[capacity];
    }

    /** Notes {@code export} for {@link #wakeAll()}; wakes it at once when the note is full. */
    void add(Export export) {
        for (int i = 0; i < count; i++) {
            if (exports[i] == export) {
                return;
            }
        }
        if (count == exports.length) {
            export.wake();
            return;
        }
        exports[count++] = export;
    }

    /** Wakes every noted export and forgets them. */
    void wakeAll() {
        for (int i = 0; i < count; i++) {
            exports[i].wake();
            exports[i] = null;
        }
        count = 0;
    }
}
