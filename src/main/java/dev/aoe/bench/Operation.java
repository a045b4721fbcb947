package dev.aoe.bench;

import java.util.Arrays;

/**
 * What a cell's requests do. Plain writes are acknowledged from the page cache by both targets
 * (our engine with {@code --write-back}, vblade by default); durable writes only once on stable
 * storage (our engine's default, {@code vblade -s}).
 */
public enum Operation {
    READ("read"),
    WRITE("write"),
    DURABLE_WRITE("durable-write");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public boolean writes() {
        return this != READ;
    }

    /** Whether the target must run in its durable-write mode for this operation. */
    public boolean durable() {
        return this == DURABLE_WRITE;
    }

    /** The operation labelled {@code label}, as the command line and the tables write it. */
    public static Operation parse(String label) {
        for (Operation v : values()) {
            if (v.label.equals(label.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + label + "': choose "
                + String.join(", ", Arrays.stream(values()).map(Operation::toString).toList()));
    }

    @Override
    public String toString() {
        return label;
    }
}
