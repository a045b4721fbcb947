package dev.aoe.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The answer an API server whose RBAC is the chart's gives the operator's SelfSubjectRulesReview
 * in the release namespace: one resource rule per rule of the operator's ClusterRole and Role,
 * resourceNames included. JOSDK asks this before it starts leader election and refuses to start
 * without the Lease verbs it wants; the mock server cannot answer it, so tests answer with this.
 */
public final class ChartRulesReview {
    private static List<PolicyRule> rules;

    private ChartRulesReview() {
    }

    public static SelfSubjectRulesReview operator() {
        return answer(operatorRules());
    }

    /** The review's answer when the operator's rules are {@code granted}. */
    static SelfSubjectRulesReview answer(List<PolicyRule> granted) {
        return new SelfSubjectRulesReviewBuilder()
                .withNewSpec().withNamespace(Charts.NAMESPACE).endSpec()
                .withNewStatus().withIncomplete(false)
                .withResourceRules(granted.stream().map(r -> new ResourceRule(r.getApiGroups(), r.getResourceNames(),
                        r.getResources(), r.getVerbs())).toList())
                .endStatus().build();
    }

    /** The rules of the operator's ClusterRole and Role, rendered with the chart's defaults. */
    static synchronized List<PolicyRule> operatorRules() {
        if (rules == null) {
            List<HasMetadata> chart = Charts.parse(Charts.render(Map.of()));
            rules = Stream.concat(Charts.one(chart, ClusterRole.class, "aoe-operator").getRules().stream(),
                    Charts.one(chart, Role.class, "aoe-operator").getRules().stream()).toList();
        }
        return rules;
    }
}
