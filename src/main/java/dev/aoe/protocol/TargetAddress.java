package dev.aoe.protocol;

/** A target's AoE address: shelf 0-65534 and slot 0-254 (the largest values are broadcast). */
public final class TargetAddress {
    private TargetAddress() {
    }

    /** The name initiators know a target by, as {@code aoe-stat} prints it: {@code e1.0}. */
    public static String name(int shelf, int slot) {
        return "e" + shelf + "." + slot;
    }

    /** Rejects an address no target may have: out of range, or a broadcast value. */
    public static void require(int shelf, int slot) {
        if (shelf < 0 || shelf >= AoeHeader.BROADCAST_SHELF || slot < 0 || slot >= AoeHeader.BROADCAST_SLOT) {
            throw new IllegalArgumentException(name(shelf, slot)
                    + " is not a target address: shelf must be 0-65534 and slot 0-254");
        }
    }
}
