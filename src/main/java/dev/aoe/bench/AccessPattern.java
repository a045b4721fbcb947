package dev.aoe.bench;

import java.util.Arrays;

/** Where successive requests of a cell land on the disk. */
public enum AccessPattern {
    SEQUENTIAL("seq"),
    RANDOM("rand");

    private final String label;

    AccessPattern(String label) {
        this.label = label;
    }

    /** The pattern labelled {@code label}, as the command line and the tables write it. */
    public static AccessPattern parse(String label) {
        for (AccessPattern v : values()) {
            if (v.label.equals(label.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown pattern '" + label + "': choose "
                + String.join(", ", Arrays.stream(values()).map(AccessPattern::toString).toList()));
    }

    @Override
    public String toString() {
        return label;
    }
}
