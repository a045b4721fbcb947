package dev.aoe.engine;

import dev.aoe.protocol.TargetAddress;
import dev.aoe.store.StoreSpec;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Everything that defines one export: its AoE address, where it is served and from what.
 *
 * @param interfaces    the interfaces it is served on, each a path to the same disk (multipath);
 *                      at least one, no repeats
 * @param bufferCount   outstanding frames advertised to initiators (vblade {@code -b}); at least 2
 * @param allowlist     initiator MACs allowed in (vblade {@code -m}); empty lets anyone in
 * @param configString  the config string a new export starts with (a persisted one wins)
 * @param name          what the export is called where it was declared (the AoeExport's name in a
 *                      cluster), for metrics; empty for exports given on the command line
 */
public record ExportSpec(int shelf, int slot, List<String> interfaces, StoreSpec store, int bufferCount,
                         long[] allowlist, byte[] configString, String name) {
    public static final int DEFAULT_BUFFER_COUNT = 16;
    /** The Linux initiator starts at half the advertised window: 1 would give it none. */
    public static final int MIN_BUFFER_COUNT = 2;
    /** Most interfaces one export is served on; the cluster's AoeExport allows as many. */
    public static final int MAX_INTERFACES = 8;

    public ExportSpec {
        TargetAddress.require(shelf, slot);
        interfaces = List.copyOf(interfaces);
        if (interfaces.isEmpty() || interfaces.size() > MAX_INTERFACES) {
            throw new IllegalArgumentException("an export is served on 1 to " + MAX_INTERFACES + " interfaces, not "
                    + interfaces.size());
        }
        if (new HashSet<>(interfaces).size() != interfaces.size()) {
            throw new IllegalArgumentException("the interfaces " + String.join(",", interfaces) + " repeat one");
        }
        if (bufferCount < MIN_BUFFER_COUNT || bufferCount > 0xFFFF) {
            throw new IllegalArgumentException("buffer count " + bufferCount
                    + " is out of range: it must be 2-65535 (the Linux initiator needs at least 2)");
        }
        if (configString.length > 1024) {
            throw new IllegalArgumentException("the config string has " + configString.length
                    + " bytes; AoE allows at most 1024");
        }
        allowlist = allowlist.clone();
        configString = configString.clone();
        name = name == null ? "" : name;
    }

    /** An export on one interface with no name of its own. */
    public ExportSpec(int shelf, int slot, String interfaceName, StoreSpec store, int bufferCount,
                      long[] allowlist, byte[] configString) {
        this(shelf, slot, List.of(interfaceName), store, bufferCount, allowlist, configString, "");
    }

    /** The interfaces as one label, comma separated: {@code eth0,eth1}. */
    public String interfaceName() {
        return String.join(",", interfaces);
    }

    /**
     * True when {@code other} differs from this one at most in the size of its file: a change
     * {@link Engine#grow} applies live, with no gap in service.
     */
    public boolean differsOnlyInSize(ExportSpec other) {
        return other != null && equals(new ExportSpec(other.shelf, other.slot, other.interfaces,
                other.store.withCreateSize(store.createSize()), other.bufferCount, other.allowlist, other.configString,
                other.name));
    }

    public String target() {
        return TargetAddress.name(shelf, slot);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportSpec s && shelf == s.shelf && slot == s.slot && bufferCount == s.bufferCount
                && interfaces.equals(s.interfaces) && store.equals(s.store)
                && Arrays.equals(allowlist, s.allowlist) && Arrays.equals(configString, s.configString)
                && name.equals(s.name);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shelf + slot) + interfaces.hashCode();
    }
}
