package dev.aoe.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CEL rules on the spec, taken from the committed CRD and evaluated with Google's CEL for
 * Java, as the API server evaluates them (the mock server evaluates none): a rule that reads
 * {@code oldSelf} is a transition rule, checked on updates only. The spec is a map of its fields,
 * integers as int64, so {@code has()} tests presence as it does on a structural schema.
 */
class CelRulesTest {
    private static final MapType OBJECT = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final String TOGETHER = "shelf and slot go together: set both, or neither for the operator to assign"
            + " an address from its pool";
    private static final String IMMUTABLE = "shelf and slot are immutable once set: create a new AoeExport for another"
            + " address";
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", OBJECT).addVar("oldSelf", OBJECT).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private record Rule(String expression, String message, CelRuntime.Program program) {
        boolean transition() {
            return expression.contains("oldSelf");
        }
    }

    private static final List<Rule> SPEC_RULES = specRules();

    private static List<Rule> specRules() {
        try {
            Path crd = Path.of(System.getProperty("aoe.project.dir", ".")).resolve("crds/aoeexports.aoe.dev-v1.yml");
            JsonNode spec = new YAMLMapper().readTree(crd.toFile())
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
            List<Rule> rules = new ArrayList<>();
            for (JsonNode r : spec.path("x-kubernetes-validations")) {
                String expression = r.path("rule").asText();
                rules.add(new Rule(expression, r.path("message").asText(),
                        RUNTIME.createProgram(COMPILER.compile(expression).getAst())));
            }
            return rules;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The messages of the rules {@code self} breaks: a create when {@code oldSelf} is null, else an update. */
    private static List<String> refusals(Map<String, Object> self, Map<String, Object> oldSelf) {
        List<String> broken = new ArrayList<>();
        for (Rule rule : SPEC_RULES) {
            if (rule.transition() && oldSelf == null) {
                continue;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("self", self);
            if (oldSelf != null) {
                vars.put("oldSelf", oldSelf);
            }
            try {
                if (!Boolean.TRUE.equals(rule.program().eval(vars))) {
                    broken.add(rule.message());
                }
            } catch (Exception e) {
                // The API server refuses an object whose rule cannot be evaluated (e.g. a missing field read).
                broken.add(rule.message() + " (error: " + e.getMessage() + ")");
            }
        }
        return broken;
    }

    private static Map<String, Object> spec(Long shelf, Long slot) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("nodeName", "worker-1");
        spec.put("source", Map.of("file", Map.of("path", "/var/lib/aoe/a.img", "size", "1Gi", "create", true)));
        if (shelf != null) {
            spec.put("shelf", shelf);
        }
        if (slot != null) {
            spec.put("slot", slot);
        }
        return spec;
    }

    @Test
    void anAddressIsBothOrNeither() {
        assertEquals(List.of(), refusals(spec(1L, 0L), null));
        assertEquals(List.of(), refusals(spec(null, null), null));
        assertEquals(List.of(TOGETHER), refusals(spec(1L, null), null));
        assertEquals(List.of(TOGETHER), refusals(spec(null, 0L), null));
    }

    /** The operator writes an address into a spec that had none; after that it is fixed, like an explicit one. */
    @Test
    void anAddressIsSetOnceThenImmutable() {
        assertEquals(List.of(), refusals(spec(100L, 3L), spec(null, null)));
        assertEquals(List.of(), refusals(spec(null, null), spec(null, null)));
        assertEquals(List.of(), refusals(spec(100L, 3L), spec(100L, 3L)));
        assertEquals(List.of(IMMUTABLE), refusals(spec(100L, 4L), spec(100L, 3L)));
        assertEquals(List.of(IMMUTABLE), refusals(spec(101L, 3L), spec(100L, 3L)));
        assertEquals(List.of(IMMUTABLE), refusals(spec(null, null), spec(100L, 3L)));
        assertEquals(List.of(TOGETHER, IMMUTABLE), refusals(spec(100L, null), spec(100L, 3L)));
        assertEquals(List.of(TOGETHER), refusals(spec(100L, null), spec(null, null)));
    }

    @Test
    void theOtherSpecRulesStillHold() {
        Map<String, Object> moved = spec(1L, 0L);
        moved.put("nodeName", "worker-2");
        assertEquals(List.of("nodeName is immutable: create a new AoeExport to serve from another node"),
                refusals(moved, spec(1L, 0L)));
        Map<String, Object> odd = spec(null, null);
        odd.put("offset", 100L);
        assertEquals(List.of("offset must be a multiple of 512 bytes"), refusals(odd, null));
    }
}
