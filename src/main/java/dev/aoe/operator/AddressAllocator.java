package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.operator.AddressTable.Owner;
import dev.aoe.operator.AddressTable.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Assigns pool addresses to exports that name none, never one address to two exports: not across
 * concurrent reconciles, not across operators running side by side (no leader election assumed).
 * <p>
 * An assignment is an entry in the {@link AddressTable}, written by compare-and-swap on a fresh
 * read, before the address goes into the export's spec: an export that already has an entry gets
 * that address again (the operator may have stopped between the two writes). Taken are the
 * table's entries and the address of every export the caller knows, explicit ones included.
 * Entries are dropped only when their export is deleted, or when the pool runs out and a direct
 * GET finds their export gone: never because a cache lacks it, since another operator's cache
 * may lag behind the table.
 * <p>
 * One lock per operator: its many reconciles take turns instead of refusing each other's writes.
 */
final class AddressAllocator {
    /** Far more conflicts in a row than a handful of operators can cause: the reconcile then fails and is retried. */
    private static final int MAX_ATTEMPTS = 50;

    private final AddressPool pool;
    private final AddressTable table;
    private final Object turn = new Object();

    AddressAllocator(AddressPool pool, AddressTable table) {
        this.pool = pool;
        this.table = table;
    }

    AddressPool pool() {
        return pool;
    }

    AddressTable table() {
        return table;
    }

    /**
     * The address recorded for {@code export}, recording the lowest free one first if it has none;
     * empty when the pool is exhausted.
     *
     * @param known every export the caller knows of (its cache); their addresses are taken
     */
    Optional<Address> assign(KubernetesClient client, AoeExport export, Collection<AoeExport> known) {
        Owner owner = Owner.of(export);
        synchronized (turn) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Snapshot now = table.read(client);
                Optional<Address> recorded = now.addressOf(owner.uid());
                if (recorded.isPresent()) {
                    return recorded;
                }
                Set<Address> taken = new HashSet<>(now.entries().keySet());
                known.forEach(e -> Address.of(e).ifPresent(taken::add));
                Optional<Address> free = pool.lowestFree(taken);
                if (free.isEmpty()) {
                    Map<Address, Owner> live = withoutStaleEntries(client, now, known);
                    if (live.size() == now.entries().size()) {
                        return Optional.empty();
                    }
                    table.compareAndSet(client, now, live);
                    continue;
                }
                Map<Address, Owner> entries = new TreeMap<>(now.entries());
                entries.put(free.get(), owner);
                if (table.compareAndSet(client, now, entries)) {
                    return free;
                }
            }
        }
        throw new IllegalStateException(table + " changed under each of " + MAX_ATTEMPTS + " attempts to record an address"
                + " for AoeExport " + owner.name());
    }

    /**
     * Drops the entry of a deleted export, if it has one: whatever its address now (the pool may
     * have changed since), and also when its spec has none (stopped between the two writes).
     */
    void release(KubernetesClient client, AoeExport export) {
        String uid = export.getMetadata().getUid();
        synchronized (turn) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Snapshot now = table.read(client);
                if (now.addressOf(uid).isEmpty()) {
                    return;
                }
                Map<Address, Owner> entries = new TreeMap<>(now.entries());
                entries.values().removeIf(o -> o.uid().equals(uid));
                if (table.compareAndSet(client, now, entries)) {
                    return;
                }
            }
        }
        throw new IllegalStateException(table + " changed under each of " + MAX_ATTEMPTS + " attempts to release the"
                + " address of AoeExport " + export.getMetadata().getName());
    }

    /**
     * The entries whose export exists: known with the entry's uid, or found so by a GET (an export
     * re-created under the same name has another uid, and is not the entry's).
     */
    private static Map<Address, Owner> withoutStaleEntries(KubernetesClient client, Snapshot now,
                                                           Collection<AoeExport> known) {
        Set<String> knownUids = known.stream().map(e -> e.getMetadata().getUid()).collect(Collectors.toSet());
        Map<Address, Owner> live = new TreeMap<>();
        now.entries().forEach((address, owner) -> {
            if (knownUids.contains(owner.uid()) || exists(client, owner)) {
                live.put(address, owner);
            }
        });
        return live;
    }

    private static boolean exists(KubernetesClient client, Owner owner) {
        AoeExport found = client.resources(AoeExport.class).withName(owner.name()).get();
        return found != null && owner.uid().equals(found.getMetadata().getUid());
    }
}
