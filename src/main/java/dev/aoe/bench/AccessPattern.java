package dev.aoe.bench;

/** Where successive requests of a cell land on the disk. */
public enum AccessPattern {
    SEQUENTIAL("seq"),
    RANDOM("rand");

    private final String label;

    AccessPattern(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
