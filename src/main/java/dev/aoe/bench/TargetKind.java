package dev.aoe.bench;

import java.util.Locale;

/** The AoE targets the benchmark compares. */
public enum TargetKind {
    /** This project's engine, {@code aoe serve}. */
    AOE,
    /** vblade (the Debian package), the target the engine replaces. */
    VBLADE,
    /** A storage-less responder in C ({@link Ceiling}): what the link allows. */
    CEILING;

    public static TargetKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + name + "': choose aoe, vblade or ceiling");
        }
    }

    /**
     * Whether this target is measured on {@code op}. The ceiling answers writes too, but only
     * reads are judged against it, and leaving its write cells out keeps a full run short.
     */
    public boolean measures(Operation op) {
        return this != CEILING || op == Operation.READ;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
