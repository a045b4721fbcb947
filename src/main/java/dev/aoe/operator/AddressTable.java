package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The record of the addresses the operator assigned: the ConfigMap {@value #NAME} in the
 * operator's namespace, whose data maps {@code e100.3} to {@code <export name>/<uid>}. The API
 * server is the only arbiter between operators, so every change is a compare-and-swap: a write
 * based on the resourceVersion it read, refused (409 Conflict) when another writer came first.
 * The operator's Deployment owns it, so an uninstall deletes it (the addresses live on in the
 * exports' specs, which the allocator counts as taken); every write carries that owner, since an
 * update replaces the whole object.
 */
public final class AddressTable {
    public static final String NAME = "aoe-addresses";

    /** The export an entry belongs to; a name alone would not tell a re-created export from the old one. */
    record Owner(String name, String uid) {
        static Owner of(AoeExport export) {
            return new Owner(export.getMetadata().getName(), export.getMetadata().getUid());
        }

        /** Object names never contain '/': the uid is what follows the last one. */
        static Optional<Owner> parse(String value) {
            int slash = value == null ? -1 : value.lastIndexOf('/');
            return slash <= 0 ? Optional.empty() : Optional.of(new Owner(value.substring(0, slash), value.substring(slash + 1)));
        }

        @Override
        public String toString() {
            return name + "/" + uid;
        }
    }

    /** One read of the table: its entries, and the version a write must be based on (null: there is no table yet). */
    record Snapshot(String resourceVersion, Map<Address, Owner> entries) {
        Optional<Address> addressOf(String uid) {
            return entries.entrySet().stream().filter(e -> e.getValue().uid().equals(uid)).map(Map.Entry::getKey)
                    .findFirst();
        }
    }

    private final String namespace;
    private final OperatorDeployment owner;

    AddressTable(String namespace, OperatorDeployment owner) {
        this.namespace = namespace;
        this.owner = owner;
    }

    /** The table as the API server has it now: never from a cache, which may lag another operator's write. */
    Snapshot read(KubernetesClient client) {
        ConfigMap table = client.configMaps().inNamespace(namespace).withName(NAME).get();
        Map<Address, Owner> entries = new TreeMap<>();
        if (table != null && table.getData() != null) {
            // Entries the operator did not write are left out, and so are dropped by the next write.
            table.getData().forEach((key, value) -> Address.parse(key)
                    .ifPresent(a -> Owner.parse(value).ifPresent(o -> entries.put(a, o))));
        }
        return new Snapshot(table == null ? null : table.getMetadata().getResourceVersion(), entries);
    }

    /** Writes {@code entries} if the table is still as {@code base} read it; false when another writer changed it since. */
    boolean compareAndSet(KubernetesClient client, Snapshot base, Map<Address, Owner> entries) {
        Map<String, String> data = new TreeMap<>();
        entries.forEach((a, o) -> data.put(a.toString(), o.toString()));
        OwnerReference ownerReference = owner.ownerReference(client);
        ConfigMap table = new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(namespace)
                .withResourceVersion(base.resourceVersion())
                .withOwnerReferences(ownerReference == null ? List.of() : List.of(ownerReference))
                .endMetadata().withData(data).build();
        try {
            if (base.resourceVersion() == null) {
                client.configMaps().inNamespace(namespace).resource(table).create();
            } else {
                client.configMaps().inNamespace(namespace).resource(table).update();
            }
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "ConfigMap " + namespace + "/" + NAME;
    }
}
