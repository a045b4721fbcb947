package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;

import java.util.Comparator;
import java.util.Optional;

/** An AoE target address; ordered shelf first, so the lowest free one is the first in a pool's order. */
record Address(int shelf, int slot) implements Comparable<Address> {
    private static final Comparator<Address> ORDER = Comparator.comparingInt(Address::shelf).thenComparingInt(Address::slot);

    /** The export's address, empty while it has none (or half of one). */
    static Optional<Address> of(AoeExport export) {
        AoeExportSpec spec = export.getSpec();
        return spec == null || spec.getShelf() == null || spec.getSlot() == null ? Optional.empty()
                : Optional.of(new Address(spec.getShelf(), spec.getSlot()));
    }

    /** Parses {@code e100.3}, the form the allocation table's keys take; empty for anything else. */
    static Optional<Address> parse(String name) {
        if (name == null || !name.matches("e\\d{1,5}\\.\\d{1,3}")) {
            return Optional.empty();
        }
        int dot = name.indexOf('.');
        return Optional.of(new Address(Integer.parseInt(name.substring(1, dot)), Integer.parseInt(name.substring(dot + 1))));
    }

    @Override
    public int compareTo(Address other) {
        return ORDER.compare(this, other);
    }

    /** {@code e<shelf>.<slot>}, the name initiators know a target by. */
    @Override
    public String toString() {
        return AoeExport.targetName(shelf, slot);
    }
}
