package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.Conditions;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Decides which export keeps a contested resource. The oldest export (by creation time, then name)
 * keeps it, so a newcomer can never take an address or a source away from one already served.
 * Exports being deleted hold nothing: the one waiting behind them takes over.
 * <ul>
 *   <li>Address: one shelf.slot per LAN, so per cluster.</li>
 *   <li>Source: one writer per file or device on a node; any number of exports may share a
 *       source when all of them are read-only.</li>
 * </ul>
 */
public final class ConflictResolver {
    private static final Comparator<AoeExport> OLDEST_FIRST = Comparator
            .comparing(ConflictResolver::createdAt)
            .thenComparing(e -> e.getMetadata().getName());

    private ConflictResolver() {
    }

    /**
     * @param candidates the exports that may contest with {@code export}: at least those with its
     *                   address or its source; others, and {@code export} itself, are ignored
     */
    public static Optional<Conflict> check(AoeExport export, Collection<AoeExport> candidates) {
        AoeExportSpec spec = export.getSpec();
        if (spec == null) {
            return Optional.empty();
        }
        Optional<AoeExport> addressHolder = holder(export, candidates, ConflictResolver::sameAddress);
        if (addressHolder.isPresent()) {
            AoeExport h = addressHolder.get();
            return Optional.of(new Conflict(Conditions.ADDRESS_CONFLICT, export.targetName()
                    + " is already exported by AoeExport '" + h.getMetadata().getName() + "' (node "
                    + h.getSpec().getNodeName() + "); choose another shelf/slot"));
        }
        return holder(export, candidates, ConflictResolver::sharesSource).map(h -> new Conflict(Conditions.SOURCE_CONFLICT,
                spec.getSource().path() + " on node " + spec.getNodeName() + " is already exported by AoeExport '"
                        + h.getMetadata().getName() + "' (" + Address.of(h).map(Address::toString).orElse("no address yet")
                        + "); a source may be shared only when "
                        + "every export of it is readOnly: set readOnly on both or use another source"));
    }

    /** The oldest other live export contesting with {@code export}, if it is older than {@code export}. */
    private static Optional<AoeExport> holder(AoeExport export, Collection<AoeExport> all,
                                              BiPredicate<AoeExportSpec, AoeExportSpec> contests) {
        return all.stream()
                .filter(other -> !sameObject(other, export) && other.getSpec() != null && !other.isMarkedForDeletion())
                .filter(other -> contests.test(export.getSpec(), other.getSpec()))
                .min(OLDEST_FIRST)
                .filter(oldest -> OLDEST_FIRST.compare(oldest, export) < 0);
    }

    private static boolean sameAddress(AoeExportSpec a, AoeExportSpec b) {
        return a.getShelf() != null && a.getSlot() != null
                && a.getShelf().equals(b.getShelf()) && a.getSlot().equals(b.getSlot());
    }

    private static boolean sharesSource(AoeExportSpec a, AoeExportSpec b) {
        String pathA = normalisedPath(a);
        return pathA != null && Objects.equals(a.getNodeName(), b.getNodeName())
                && pathA.equals(normalisedPath(b)) && !(a.readOnly() && b.readOnly());
    }

    static String normalisedPath(AoeExportSpec spec) {
        String path = spec.getSource() == null ? null : spec.getSource().path();
        return path == null ? null : Path.of(path).normalize().toString();
    }

    private static boolean sameObject(AoeExport a, AoeExport b) {
        return Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
    }

    /** Not yet stored exports (no timestamp) count as the newest. */
    private static Instant createdAt(AoeExport export) {
        String ts = export.getMetadata().getCreationTimestamp();
        return ts == null ? Instant.MAX : Instant.parse(ts);
    }
}
