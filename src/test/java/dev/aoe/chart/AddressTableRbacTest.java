package dev.aoe.chart;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;
import dev.aoe.config.AoeConfig;
import dev.aoe.operator.AddressTable;
import dev.aoe.operator.AoeExportReconciler;
import dev.aoe.testing.FaultInjectingDispatcher;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's permissions on its address table, derived from what the allocator really sends.
 * An operator with a pool of three addresses is driven down every path: the first assignment
 * creates the table (once refused, 409 AlreadyExists, as when another operator created it first),
 * a later one updates it (once refused, 409 Conflict, as when another operator wrote in between),
 * an exhausted pool drops an entry whose export is gone, and a deletion releases an entry. Each
 * ConfigMap request is checked as the API server's authorizer would, resourceNames included, and
 * the Role must grant nothing more: get and update on the one table, and create, which a
 * resourceNames rule can never match (the name is not in the request's URL).
 */
class AddressTableRbacTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TABLE_PATH = "/configmaps/" + AddressTable.NAME + "$";

    @Test
    void theRoleGrantsExactlyWhatTheAddressTableUses() {
        FaultInjectingDispatcher api = new FaultInjectingDispatcher();
        KubernetesMockServer server = FaultInjectingDispatcher.server(api);
        KubernetesClient client = server.createClient();
        KubernetesClient recorded = ApiCalls.client(client, "address-table");
        AoeConfig config = new SmallRyeConfigBuilder().withMapping(AoeConfig.class)
                .withDefaultValues(Map.of("aoe.engine.namespace", Charts.NAMESPACE, "aoe.address-pool.shelves", "7",
                        "aoe.address-pool.slots", "0-2")).build().getConfigMapping(AoeConfig.class);
        Operator operator = new Operator(o -> o.withKubernetesClient(recorded).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        try {
            api.fail("POST", "/configmaps$", 409, 1);
            api.fail("PUT", TABLE_PATH, 409, 1);
            operator.register(new AoeExportReconciler(config));
            operator.start();
            create(client, "first");
            assertEquals("e7.0", awaitTarget(client, "first"));
            create(client, "second");
            assertEquals("e7.1", awaitTarget(client, "second"));
            // An entry whose export is gone (its release lost): reclaimed when the pool runs out.
            client.configMaps().inNamespace(Charts.NAMESPACE).withName(AddressTable.NAME)
                    .edit(t -> {
                        t.getData().put("e7.2", "ghost/0000");
                        return t;
                    });
            create(client, "third");
            assertEquals("e7.2", awaitTarget(client, "third"));
            client.resources(AoeExport.class).withName("first").delete();
            await().atMost(WAIT).until(() -> !client.configMaps().inNamespace(Charts.NAMESPACE)
                    .withName(AddressTable.NAME).get().getData().containsKey("e7.0"));
            assertTrue(api.seen("POST", "/configmaps$").stream().anyMatch(s -> s.code() == 409), "a refused create");
            assertTrue(api.seen("PUT", TABLE_PATH).stream().anyMatch(s -> s.code() == 409), "a refused update");
        } finally {
            operator.stop();
        }
        List<ApiCalls.Request> calls = ApiCalls.take(server, "address-table").stream()
                .filter(r -> r.resource().equals("configmaps")).toList();
        recorded.close();
        client.close();
        server.destroy();

        List<PolicyRule> rules = ChartRulesReview.operatorRules().stream()
                .filter(r -> r.getApiGroups().contains("") && r.getResources().contains("configmaps")).toList();
        Set<String> used = new TreeSet<>();
        for (ApiCalls.Request r : calls) {
            boolean allowed = rules.stream().anyMatch(rule -> rule.getVerbs().contains(r.verb())
                    && (rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(r.name())));
            assertTrue(allowed, "the chart's Role forbids " + r);
            used.add(r.verb() + " " + (r.name().isEmpty() ? "any" : r.name()));
        }
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String verb : rule.getVerbs()) {
                if (rule.getResourceNames().isEmpty()) {
                    granted.add(verb + " any");
                } else {
                    rule.getResourceNames().forEach(name -> granted.add(verb + " " + name));
                }
            }
        }
        assertEquals(granted, used, "configmaps: verb and the ConfigMap it may touch (any: no resourceNames), granted"
                + " by the chart's Role vs. used by the allocator");
        System.out.println("AddressTableRbacTest: " + calls.size() + " ConfigMap requests, all authorized by the chart's"
                + " Role; used = granted = " + used);
    }

    private static void create(KubernetesClient client, String name) {
        FileSource file = new FileSource();
        file.setPath("/var/lib/aoe/" + name + ".img");
        file.setSize("1Mi");
        file.setCreate(true);
        Source source = new Source();
        source.setFile(file);
        AoeExportSpec spec = new AoeExportSpec();
        spec.setNodeName("n1");
        spec.setSource(source);
        AoeExport export = new AoeExport();
        export.getMetadata().setName(name);
        export.setSpec(spec);
        client.resource(export).create();
    }

    private static String awaitTarget(KubernetesClient client, String name) {
        await().atMost(WAIT).until(() -> {
            AoeExport e = client.resources(AoeExport.class).withName(name).get();
            return e.getStatus() != null && e.getStatus().getTarget() != null;
        });
        return client.resources(AoeExport.class).withName(name).get().getStatus().getTarget();
    }
}
