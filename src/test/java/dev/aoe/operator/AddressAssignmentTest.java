package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import dev.aoe.testing.Exports;
import dev.aoe.testing.FaultInjectingDispatcher;
import dev.aoe.testing.MockApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses assigned by running operators (JOSDK on the fabric8 CRUD mock, whose compare-and-swap
 * on the allocation table is the API server's: see {@link AddressAllocatorTest}). Exports are
 * created from many threads at once, for one operator and for two operators side by side.
 */
class AddressAssignmentTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    final MockApiServer apiServer = new MockApiServer();
    private final FaultInjectingDispatcher api = apiServer.api();
    private final List<Operator> operators = new ArrayList<>();
    private final List<KubernetesClient> operatorClients = new ArrayList<>();
    private KubernetesClient client;
    private SimulatedCluster cluster;

    @BeforeEach
    void start() {
        client = apiServer.client();
        cluster = new SimulatedCluster(client);
        cluster.readyNode("n1");
    }

    private void startOperator(Map<String, String> config) {
        KubernetesClient own = apiServer.operatorClient(true, Duration.ofSeconds(10));
        operatorClients.add(own);
        operators.add(apiServer.stopLater(
                SimulatedCluster.startOperator(own, new AoeExportReconciler(Exports.config(config)), o -> { })));
    }

    private void stopOperators() {
        operators.forEach(apiServer::stop);
        operators.clear();
        operatorClients.forEach(KubernetesClient::close);
        operatorClients.clear();
    }

    /** Creates {@code count} exports without an address from 16 threads at once. */
    private void createAtOnce(String prefix, int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<AoeExport>> created = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = prefix + i;
                created.add(threads.submit(() -> cluster.create(Exports.unaddressed(name, "n1", "/var/lib/aoe/" + name + ".img"))));
            }
            for (Future<AoeExport> f : created) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    /** Waits until every export named {@code prefix*} is accepted with its address; name → address. */
    private Map<String, String> awaitAssigned(String prefix, int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> exports(prefix).stream().filter(e -> Address.of(e).isPresent()
                && Conditions.VALID.equals(SimulatedCluster.reason(e, Conditions.ACCEPTED))
                && Address.of(e).get().toString().equals(e.getStatus().getTarget())).count() == count);
        return exports(prefix).stream().collect(Collectors.toMap(e -> e.getMetadata().getName(),
                e -> Address.of(e).orElseThrow().toString(), (a, b) -> a, TreeMap::new));
    }

    private List<AoeExport> exports(String prefix) {
        return client.resources(AoeExport.class).list().getItems().stream()
                .filter(e -> e.getMetadata().getName().startsWith(prefix)).toList();
    }

    private Map<String, String> table() {
        return client.configMaps().inNamespace(Exports.NAMESPACE).withName(AddressTable.NAME).get().getData();
    }

    private static Set<String> lowest(int count) {
        return IntStream.range(0, count).mapToObj(i -> new Address(100, i).toString()).collect(Collectors.toSet());
    }

    /** The table's entries as name → address, checking each entry's uid is its export's. */
    private Map<String, String> tableByExport() {
        Map<String, String> uids = client.resources(AoeExport.class).list().getItems().stream()
                .collect(Collectors.toMap(e -> e.getMetadata().getName(), e -> e.getMetadata().getUid()));
        Map<String, String> byExport = new TreeMap<>();
        table().forEach((address, owner) -> {
            String name = owner.substring(0, owner.lastIndexOf('/'));
            assertEquals(uids.get(name), owner.substring(owner.lastIndexOf('/') + 1), "the entry of " + name);
            assertNull(byExport.put(name, address), "one entry per export: " + name);
        });
        return byExport;
    }

    /**
     * 200 exports created at once: 200 distinct addresses, the lowest of the default pool, each
     * recorded in the table under its export; a new operator instance keeps them all and gives
     * the next export the next address.
     */
    @Test
    void twoHundredExportsCreatedAtOnceGetTheLowestAddressesOfThePool() throws Exception {
        startOperator(Map.of());
        long started = System.nanoTime();
        createAtOnce("many-", 200);
        Map<String, String> assigned = awaitAssigned("many-", 200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        Set<String> distinct = new TreeSet<>(assigned.values());
        assertEquals(lowest(200), distinct);
        assertEquals(assigned, tableByExport());
        List<Event> events = cluster.events("many-0");
        assertTrue(events.stream().anyMatch(ev -> ExportEvents.ASSIGNED.equals(ev.getReason())
                && ev.getMessage().equals("Assigned " + assigned.get("many-0")
                + " from the address pool (shelves 100-109, slots 0-254)")), events.toString());

        stopOperators();
        startOperator(Map.of());
        cluster.create(Exports.unaddressed("late", "n1", "/var/lib/aoe/late.img"));
        assertEquals(Map.of("late", "e100.200"), awaitAssigned("late", 1));
        assertEquals(assigned, awaitAssigned("many-", 200), "the restarted operator kept every address");
        System.out.println("AddressAssignmentTest: 200 exports created at once from 16 threads, all accepted in "
                + millis + " ms: " + distinct.size() + " distinct addresses (" + (assigned.size() - distinct.size())
                + " duplicates), e100.0-e100.199; after a restart the same 200, and e100.200 for the next");
    }

    /** Two operators side by side (no leader election), 100 exports created at once: no address twice. */
    @Test
    void twoOperatorsSideBySideNeverGiveOneAddressTwice() throws Exception {
        startOperator(Map.of());
        startOperator(Map.of());
        createAtOnce("both-", 100);
        Map<String, String> assigned = awaitAssigned("both-", 100);
        Set<String> distinct = new TreeSet<>(assigned.values());
        assertEquals(lowest(100), distinct);
        assertEquals(assigned, tableByExport());
        long conflicts = api.seen("PUT", "/configmaps/" + AddressTable.NAME + "$").stream().filter(s -> s.code() == 409)
                .count();
        System.out.println("AddressAssignmentTest: 2 operators, 100 exports created at once: " + distinct.size()
                + " distinct addresses, " + (assigned.size() - distinct.size()) + " duplicates; " + conflicts
                + " table writes refused with 409 and retried");
    }

    /**
     * A pool of three addresses, one of them an explicit export's: two exports get the other two,
     * the third waits (Pending, AddressPoolExhausted, naming the pool and how to widen it), and
     * gets the address a deleted export leaves.
     */
    @Test
    void anExhaustedPoolWaitsForADeletion() {
        startOperator(Map.of("aoe.address-pool.shelves", "7", "aoe.address-pool.slots", "0-2"));
        cluster.create(Exports.file("fixed", 7, 1, "n1", "/var/lib/aoe/fixed.img"));
        cluster.awaitSettled("fixed", Conditions.VALID);
        cluster.create(Exports.unaddressed("a", "n1", "/var/lib/aoe/a.img"));
        assertEquals(Map.of("a", "e7.0"), awaitAssigned("a", 1));
        cluster.create(Exports.unaddressed("b", "n1", "/var/lib/aoe/b.img"));
        assertEquals(Map.of("b", "e7.2"), awaitAssigned("b", 1));

        cluster.create(Exports.unaddressed("c", "n1", "/var/lib/aoe/c.img"));
        AoeExport waiting = cluster.awaitSettled("c", Conditions.ADDRESS_POOL_EXHAUSTED);
        assertEquals(Conditions.PENDING, waiting.getStatus().getPhase());
        assertNull(waiting.getStatus().getTarget());
        assertEquals("no free address in the operator's address pool (shelves 7, slots 0-2: 3 addresses, all taken);"
                + " widen it (the chart's addressPool values, AOE_ADDRESS_POOL_SHELVES and AOE_ADDRESS_POOL_SLOTS), set"
                + " shelf and slot yourself, or delete an export", waiting.getStatus().getMessage());
        assertTrue(cluster.events("c").stream().anyMatch(ev -> ExportEvents.WARNING.equals(ev.getType())
                && Conditions.ADDRESS_POOL_EXHAUSTED.equals(ev.getReason())), cluster.events("c").toString());

        long deleted = System.nanoTime();
        client.resources(AoeExport.class).withName("a").delete();
        assertEquals(Map.of("c", "e7.0"), awaitAssigned("c", 1));
        System.out.println("AddressAssignmentTest: pool of 3 (1 explicit): 2 assigned, the third AddressPoolExhausted;"
                + " it got the deleted export's address " + (System.nanoTime() - deleted) / 1_000_000 + " ms after the delete");
    }
}
