package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.testing.Exports;
import dev.aoe.testing.FaultInjectingDispatcher;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocator against the fabric8 CRUD mock, which (like the API server) refuses an update
 * based on an old resourceVersion with 409 Conflict, under the lock it takes for every write, so
 * its compare-and-swap is the API server's. The first test pins that down: the race tests below
 * mean nothing without it. The dispatcher adds no fault; it only records what the server answered.
 */
class AddressAllocatorTest {
    private static final String TABLE_PATH = "/configmaps/" + AddressTable.NAME + "$";
    @RegisterExtension
    final MockApiServer apiServer = new MockApiServer();
    private final FaultInjectingDispatcher api = apiServer.api();
    private KubernetesClient client;
    private final List<KubernetesClient> operatorClients = new ArrayList<>();

    @BeforeEach
    void start() {
        client = apiServer.client();
    }

    /** An operator's allocator, on its own client: a separate operator when two race. */
    private AddressAllocator allocator(String shelves, String slots) {
        KubernetesClient own = apiServer.closeLater(apiServer.server().createClient());
        operatorClients.add(own);
        return new AddressAllocator(new AddressPool(shelves, slots), new AddressTable(Exports.NAMESPACE, new OperatorDeployment(Exports.NAMESPACE, Optional.empty())));
    }

    private AoeExport export(String name) {
        AoeExport created = client.resource(Exports.unaddressed(name, "n1", "/var/lib/aoe/" + name + ".img")).create();
        assertNotNull(created.getMetadata().getUid(), "the mock gives created objects a uid");
        return created;
    }

    private KubernetesClient lastClient() {
        return operatorClients.get(operatorClients.size() - 1);
    }

    private Map<String, String> table() {
        ConfigMap table = client.configMaps().inNamespace(Exports.NAMESPACE).withName(AddressTable.NAME).get();
        return table == null ? Map.of() : table.getData();
    }

    @Test
    void theMockRefusesAnUpdateBasedOnAnOldResourceVersion() {
        ConfigMap first = client.configMaps().inNamespace(Exports.NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("cas").endMetadata().addToData("k", "1").build()).create();
        client.configMaps().inNamespace(Exports.NAMESPACE).resource(new ConfigMapBuilder(first).addToData("k", "2").build())
                .update();
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> client.configMaps()
                .inNamespace(Exports.NAMESPACE).resource(new ConfigMapBuilder(first).addToData("k", "3").build()).update());
        assertEquals(409, refused.getCode());
        assertEquals("2", client.configMaps().inNamespace(Exports.NAMESPACE).withName("cas").get().getData().get("k"));
    }

    /**
     * Two operators (two allocators, each on its own client, each with its own lock), both
     * assigning every one of 200 exports at once from 16 threads, as two operators without leader
     * election would: each export gets one address whichever asks, and no address goes twice.
     */
    @Test
    void twoOperatorsRacingNeverGiveOneAddressTwice() throws Exception {
        AddressAllocator a = allocator("100-109", "0-254");
        KubernetesClient clientA = lastClient();
        AddressAllocator b = allocator("100-109", "0-254");
        KubernetesClient clientB = lastClient();
        List<AoeExport> exports = IntStream.range(0, 200).mapToObj(i -> export("race-" + i)).toList();
        Map<String, Set<Address>> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (AoeExport e : exports) {
                for (int operator = 0; operator < 2; operator++) {
                    AddressAllocator allocator = operator == 0 ? a : b;
                    KubernetesClient c = operator == 0 ? clientA : clientB;
                    done.add(pool.submit(() -> answers.computeIfAbsent(e.getMetadata().getName(),
                            n -> ConcurrentHashMap.newKeySet()).add(allocator.assign(c, e, exports).orElseThrow())));
                }
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(answers.values().stream().allMatch(s -> s.size() == 1), "one address per export: " + answers);
        List<Address> assigned = answers.values().stream().map(s -> s.iterator().next()).sorted().toList();
        Set<Address> distinct = new HashSet<>(assigned);
        List<Address> lowest = IntStream.range(0, 200).mapToObj(i -> new Address(100, i)).toList();
        assertEquals(lowest, new ArrayList<>(new TreeSet<>(distinct)), "the lowest 200 of the pool");
        assertEquals(200, table().size());
        long conflicts = api.seen("PUT", TABLE_PATH).stream().filter(s -> s.code() == 409).count()
                + api.seen("POST", "/configmaps$").stream().filter(s -> s.code() == 409).count();
        System.out.println("AddressAllocatorTest: 2 operators x 200 exports (400 assignments, 16 threads): "
                + distinct.size() + " distinct addresses, " + (assigned.size() - distinct.size()) + " duplicates, "
                + conflicts + " table writes refused with 409 and retried, " + api.seen("PUT", TABLE_PATH).size()
                + " table updates in all");
    }

    /** Stopped after the table write, before the spec patch: a new operator finds the entry and uses it. */
    @Test
    void aNewOperatorReusesTheRecordedAddress() {
        AoeExport x = export("x");
        AoeExport y = export("y");
        Address first = allocator("100-109", "0-254").assign(lastClient(), x, List.of(x, y)).orElseThrow();
        AddressAllocator restarted = allocator("100-109", "0-254");
        assertEquals(first, restarted.assign(lastClient(), x, List.of(x, y)).orElseThrow());
        assertEquals(new Address(100, 1), restarted.assign(lastClient(), y, List.of(x, y)).orElseThrow());
        assertEquals(Map.of("e100.0", "x/" + x.getMetadata().getUid(), "e100.1", "y/" + y.getMetadata().getUid()),
                table());
    }

    @Test
    void anExplicitAddressInsideThePoolIsNeverHandedOut() {
        AoeExport explicit = client.resource(Exports.file("explicit", 100, 0, "n1", "/var/lib/aoe/explicit.img")).create();
        AoeExport x = export("x");
        AddressAllocator allocator = allocator("100-109", "0-254");
        assertEquals(new Address(100, 1), allocator.assign(lastClient(), x, List.of(explicit, x)).orElseThrow());
    }

    @Test
    void aReleasedAddressGoesToTheNextExport() {
        AoeExport x = export("x");
        AoeExport y = export("y");
        AoeExport z = export("z");
        AddressAllocator allocator = allocator("100-109", "0-254");
        assertEquals(new Address(100, 0), allocator.assign(lastClient(), x, List.of(x, y, z)).orElseThrow());
        assertEquals(new Address(100, 1), allocator.assign(lastClient(), y, List.of(x, y, z)).orElseThrow());
        allocator.release(lastClient(), x);
        assertEquals(new Address(100, 0), allocator.assign(lastClient(), z, List.of(y, z)).orElseThrow());
        allocator.release(lastClient(), x);
        assertEquals(Set.of("e100.0", "e100.1"), table().keySet());
    }

    /**
     * With the pool exhausted, an entry is dropped only when a GET finds its export gone (or
     * re-created with another uid), never because the cache lacks it: another operator's may lag.
     */
    @Test
    void anExhaustedPoolReclaimsOnlyEntriesWhoseExportIsGone() {
        AoeExport a = export("a");
        AoeExport b = export("b");
        AoeExport c = export("c");
        AddressAllocator allocator = allocator("7", "0-1");
        assertEquals(new Address(7, 0), allocator.assign(lastClient(), a, List.of(a, b, c)).orElseThrow());
        assertEquals(new Address(7, 1), allocator.assign(lastClient(), b, List.of(a, b, c)).orElseThrow());
        assertEquals(Optional.empty(), allocator.assign(lastClient(), c, List.of(a, b, c)));
        assertEquals(Optional.empty(), allocator.assign(lastClient(), c, List.of(c)), "b is missing from the cache only");

        // a is deleted, its release lost, and re-created under the same name: the entry is not the new a's.
        client.resource(a).withGracePeriod(0).delete();
        client.resources(AoeExport.class).withName("a").waitUntilCondition(e -> e == null, 5, TimeUnit.SECONDS);
        AoeExport newA = export("a");
        assertEquals(new Address(7, 0), allocator.assign(lastClient(), c, List.of(c, newA)).orElseThrow());
        assertEquals(Map.of("e7.0", "c/" + c.getMetadata().getUid(), "e7.1", "b/" + b.getMetadata().getUid()), table());
    }

    @Test
    void aPoolIsRangesOfShelvesAndSlots() {
        AddressPool pool = new AddressPool("100-101, 7", "0-1,254");
        assertEquals(9, pool.size());
        assertEquals(Optional.of(new Address(7, 0)), pool.lowestFree(Set.of()));
        assertEquals(Optional.of(new Address(100, 254)), pool.lowestFree(Set.of(new Address(7, 0), new Address(7, 1),
                new Address(7, 254), new Address(100, 0), new Address(100, 1))));
        assertEquals(Optional.empty(), pool.lowestFree(Set.of(new Address(7, 0), new Address(7, 1), new Address(7, 254),
                new Address(100, 0), new Address(100, 1), new Address(100, 254), new Address(101, 0), new Address(101, 1),
                new Address(101, 254))));
        assertEquals("address pool shelves range 10-9 must be low-high within 0-65534",
                assertThrows(IllegalArgumentException.class, () -> new AddressPool("10-9", "0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("100", "0-255"));
        assertThrows(IllegalArgumentException.class, () -> new AddressPool("a-b", "0"));
    }
}
