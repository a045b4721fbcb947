package dev.aoe.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Least privilege, checked against what the code does: the operator's and the engine agent's
 * own test suites run against the fabric8 mock API server with a recording client
 * ({@link ApiCalls}), every request becomes (API group, resource, verb), and the chart's rendered
 * roles must grant exactly that: a grant the code never uses fails (tighten the chart), and so
 * does a call the roles do not grant (the chart would break the code). A few grants are used only
 * outside these suites; they are listed below with the reason.
 */
class RbacMinimalityTest {
    private static final String OPERATOR_SUITE = "dev.aoe.operator.AoeExportReconcilerTest";
    private static final String ENGINE_SUITE = "dev.aoe.agent.EngineAgentTest";

    /**
     * Leader election runs only in a deployed operator (the prod profile), not in the suite:
     * {@link LeaseRbacTest} drives each of its paths and checks these grants, resourceNames included.
     */
    private static final String LEASES = "coordination.k8s.io leases ";
    /** Granted to the operator, used only in a deployed operator, not against the mock server. */
    private static final Map<String, String> OPERATOR_OUTSIDE_TESTS = Map.of(
            // EngineDaemonSetOwner replaces the DaemonSet (a PUT) when the engine settings in the
            // chart's values change; the suite runs one configuration, so it only ever creates it.
            "apps daemonsets update", "replace the engine DaemonSet when its settings change");
    /** Granted to the engine, used only outside the mock-server suite. */
    private static final Map<String, String> ENGINE_OUTSIDE_TESTS = Map.of();

    private static final Map<String, TestExecutionSummary> SUITES = new TreeMap<>();
    private static final List<String> LINES = new ArrayList<>();

    @BeforeAll
    static void runTheSuitesRecording() {
        ApiCalls.clear();
        Launcher launcher = LauncherFactory.create();
        for (String suite : List.of(OPERATOR_SUITE, ENGINE_SUITE)) {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            SUITES.put(suite, listener.getSummary());
        }
    }

    @AfterAll
    static void summary() {
        StringBuilder suites = new StringBuilder();
        SUITES.forEach((name, s) -> suites.append(name.substring(name.lastIndexOf('.') + 1)).append(' ')
                .append(s.getTestsSucceededCount()).append('/').append(s.getTestsFoundCount()).append(" passed")
                .append(s.getTestsSkippedCount() + s.getTestsAbortedCount() > 0
                        ? " (" + (s.getTestsSkippedCount() + s.getTestsAbortedCount()) + " skipped)" : "").append("; "));
        System.out.println("RbacMinimalityTest: recorded API calls while running " + suites + String.join("; ", LINES));
    }

    @Test
    void theOperatorRolesGrantExactlyWhatTheOperatorCalls() {
        List<HasMetadata> chart = Charts.parse(Charts.render(Map.of()));
        Set<String> granted = new TreeSet<>();
        granted.addAll(grants(Charts.one(chart, ClusterRole.class, "aoe-operator").getRules()));
        granted.addAll(grants(Charts.one(chart, Role.class, "aoe-operator").getRules()));
        granted.removeIf(grant -> grant.startsWith(LEASES));
        compare("operator", OPERATOR_SUITE, granted, OPERATOR_OUTSIDE_TESTS);
    }

    @Test
    void theEngineRoleGrantsExactlyWhatTheEngineAgentCalls() {
        List<HasMetadata> chart = Charts.parse(Charts.render(Map.of()));
        Set<String> granted = grants(Charts.one(chart, ClusterRole.class, "aoe-engine").getRules());
        compare("engine", ENGINE_SUITE, granted, ENGINE_OUTSIDE_TESTS);
    }

    private static void compare(String component, String suite, Set<String> granted, Map<String, String> outsideTests) {
        TestExecutionSummary ran = SUITES.get(suite);
        assumeTrue(ran.getTestsSucceededCount() > 0, suite + " ran no test here (privileges?): nothing recorded");
        Set<String> used = new TreeSet<>();
        Set<String> discovery = new TreeSet<>();
        for (String call : ApiCalls.recorded(component)) {
            (call.startsWith("nonResource ") ? discovery : used).add(call);
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(granted);
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(used);
        unused.removeAll(outsideTests.keySet());
        Set<String> staleAllowance = new TreeSet<>(outsideTests.keySet());
        staleAllowance.removeAll(granted);
        LINES.add(component + ": used " + used + ", granted " + granted + ", discovery " + discovery
                + ", missing " + missing + ", unused " + unused);
        assertEquals(Set.of(), missing, component + ": the code calls these but the chart does not grant them");
        assertEquals(Set.of(), unused, component + ": the chart grants these but the code never calls them");
        assertEquals(Set.of(), staleAllowance, component + ": allowed-outside-tests entries the chart no longer grants");
    }

    /** Every (group, resource, verb) a role's rules grant; wildcards would fail ChartTest already. */
    static Set<String> grants(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule r : rules) {
            for (String group : r.getApiGroups()) {
                for (String resource : r.getResources()) {
                    for (String verb : r.getVerbs()) {
                        out.add(group + " " + resource + " " + verb);
                    }
                }
            }
        }
        return out;
    }
}
