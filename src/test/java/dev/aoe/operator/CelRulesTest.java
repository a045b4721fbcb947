package dev.aoe.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.api.ByteQuantity;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRD's CEL rules, taken from the committed CRD and evaluated as an API server would:
 * cel-java with the Kubernetes quantity library's functions ({@code quantity}, {@code isQuantity},
 * {@code compareTo}, {@code isInteger}, {@code asInteger}) bound to fabric8's exact Quantity. The
 * mock server evaluates no CEL; this is what a real cluster's admission does. A rule that reads
 * {@code oldSelf} is a transition rule, checked on updates only; objects are maps of their fields,
 * integers as int64, so {@code has()} tests presence as it does on a structural schema.
 */
class CelRulesTest {
    private static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration("quantity",
                            CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration("isQuantity",
                            CelOverloadDecl.newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration("compareTo",
                            CelOverloadDecl.newMemberOverload("quantity_compareTo_quantity", SimpleType.INT, QUANTITY,
                                    QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("isInteger",
                            CelOverloadDecl.newMemberOverload("quantity_isInteger", SimpleType.BOOL, QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("asInteger",
                            CelOverloadDecl.newMemberOverload("quantity_asInteger", SimpleType.INT, QUANTITY)))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(
                    CelFunctionBinding.from("string_to_quantity", String.class, Quantity::new),
                    CelFunctionBinding.from("is_quantity_string", String.class, CelRulesTest::isQuantity),
                    CelFunctionBinding.from("quantity_compareTo_quantity", Quantity.class, Quantity.class,
                            (a, b) -> (long) bytes(a).compareTo(bytes(b))),
                    CelFunctionBinding.from("quantity_isInteger", Quantity.class, q -> isLong(bytes(q))),
                    CelFunctionBinding.from("quantity_asInteger", Quantity.class, q -> bytes(q).longValueExact()))
            .build();

    /** The committed CRD's rules, by message (CrdIT checks it is the generated one). */
    private static Map<String, String> rules;

    @BeforeAll
    static void readCrd() throws IOException {
        Path project = Path.of(System.getProperty("aoe.project.dir", "."));
        rules = new HashMap<>();
        collect(Serialization.unmarshal(Files.readString(project.resolve("crds/aoeexports.aoe.dev-v1.yml")), Map.class));
    }

    @Test
    void theSizeMayOnlyGrow() throws Exception {
        String rule = rule("file.size may only grow");
        assertTrue(holds(rule, file("10Gi"), file("10Gi")));
        assertTrue(holds(rule, file("20Gi"), file("10Gi")));
        assertTrue(holds(rule, file("10737418240"), file("10Gi")), "the same size written otherwise");
        assertTrue(holds(rule, file(21474836480L), file("10Gi")), "an integer");
        assertTrue(holds(rule, file("10Gi"), file(null)), "a size given where none was");
        assertFalse(holds(rule, file("10G"), file("10Gi")), "10G is 10^9 bytes: a shrink");
        assertFalse(holds(rule, file(null), file("10Gi")), "dropping the size");
    }

    @Test
    void theSizeIsWholeSectors() throws Exception {
        String rule = rule("file.size must be a positive multiple of 512 bytes");
        for (Object ok : List.of("10Gi", "10G", "1.5Gi", "1e9", "512", 1048576L)) {
            assertTrue(holds(rule, file(ok), null), ok.toString());
        }
        for (Object bad : List.of("1k", "0.1", "100m", "256", 1000L)) {
            assertFalse(holds(rule, file(bad), null), bad.toString());
        }
    }

    @Test
    void onlyTheSizeOfTheSourceMayChangeAndNotWithALength() throws Exception {
        String source = rule("source is immutable but for file.size");
        String file = rule("file.path and file.create are immutable");
        String length = rule("file.size may grow only on an export without length");
        assertTrue(holds(source, spec(file("20Gi"), null), spec(file("10Gi"), null)));
        assertTrue(holds(file, file("20Gi"), file("10Gi")));
        Map<String, Object> moved = file("10Gi");
        moved.put("path", "/var/lib/aoe/b.img");
        assertFalse(holds(file, moved, file("10Gi")));
        assertFalse(holds(source, Map.of("source", Map.of("device", Map.of("path", "/dev/sdb"))),
                spec(file("10Gi"), null)), "file to device");
        assertTrue(holds(length, spec(file("10Gi"), 4096L), spec(file("10Gi"), 4096L)));
        assertFalse(holds(length, spec(file("20Gi"), 4096L), spec(file("10Gi"), 4096L)));
        assertTrue(holds(length, spec(file("20Gi"), null), spec(file("10Gi"), null)));
    }

    private static final String TOGETHER = "shelf and slot go together";
    private static final String IMMUTABLE = "shelf and slot are immutable once set";

    @Test
    void anAddressIsBothOrNeither() throws Exception {
        String rule = rule(TOGETHER);
        assertTrue(holds(rule, address(1L, 0L), null));
        assertTrue(holds(rule, address(null, null), null));
        assertFalse(holds(rule, address(1L, null), null));
        assertFalse(holds(rule, address(null, 0L), null));
    }

    /** The operator writes an address into a spec that had none; after that it is fixed, like an explicit one. */
    @Test
    void anAddressIsSetOnceThenImmutable() throws Exception {
        String rule = rule(IMMUTABLE);
        assertTrue(holds(rule, address(100L, 3L), address(null, null)));
        assertTrue(holds(rule, address(null, null), address(null, null)));
        assertTrue(holds(rule, address(100L, 3L), address(100L, 3L)));
        assertFalse(holds(rule, address(100L, 4L), address(100L, 3L)));
        assertFalse(holds(rule, address(101L, 3L), address(100L, 3L)));
        assertFalse(holds(rule, address(null, null), address(100L, 3L)));
        assertFalse(holds(rule, address(100L, null), address(100L, 3L)));
    }

    @Test
    void theOtherSpecRulesStillHold() throws Exception {
        Map<String, Object> moved = address(1L, 0L);
        moved.put("nodeName", "worker-2");
        assertFalse(holds(rule("nodeName is immutable"), moved, address(1L, 0L)));
        Map<String, Object> odd = address(null, null);
        odd.put("offset", 100L);
        assertFalse(holds(rule("offset must be a multiple of 512 bytes"), odd, null));
    }

    private static Map<String, Object> address(Long shelf, Long slot) {
        Map<String, Object> spec = spec(file("1Gi"), null);
        spec.put("nodeName", "worker-1");
        if (shelf != null) {
            spec.put("shelf", shelf);
        }
        if (slot != null) {
            spec.put("slot", slot);
        }
        return spec;
    }

    private static Map<String, Object> file(Object size) {
        Map<String, Object> file = new HashMap<>(Map.of("path", "/var/lib/aoe/a.img", "create", true));
        if (size != null) {
            file.put("size", size);
        }
        return file;
    }

    private static Map<String, Object> spec(Map<String, Object> file, Long length) {
        Map<String, Object> spec = new HashMap<>(Map.of("source", Map.of("file", file)));
        if (length != null) {
            spec.put("length", length);
        }
        return spec;
    }

    private static boolean holds(String rule, Object self, Object oldSelf) throws Exception {
        CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (oldSelf != null) {
            vars.put("oldSelf", oldSelf);
        }
        return (Boolean) RUNTIME.createProgram(ast).eval(vars);
    }

    private static String rule(String messageStart) {
        return rules.entrySet().stream().filter(e -> e.getKey().startsWith(messageStart)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no rule with a message starting '" + messageStart
                        + "' in " + rules.keySet()));
    }

    private static void collect(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("rule") instanceof String rule && map.get("message") instanceof String message) {
                rules.put(message, rule);
            }
            map.values().forEach(CelRulesTest::collect);
        } else if (node instanceof List<?> list) {
            list.forEach(CelRulesTest::collect);
        }
    }

    private static boolean isQuantity(String text) {
        try {
            bytes(new Quantity(text));
            return text.matches(ByteQuantity.PATTERN);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static BigDecimal bytes(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static boolean isLong(BigDecimal value) {
        try {
            value.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
