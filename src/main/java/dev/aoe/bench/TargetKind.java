package dev.aoe.bench;

import java.util.Locale;

/** The AoE targets the benchmark compares. */
public enum TargetKind {
    /** This project's engine, {@code aoe serve}. */
    AOE,
    /** vblade (the Debian package), the target the engine replaces. */
    VBLADE;

    public static TargetKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + name + "': choose aoe or vblade");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
