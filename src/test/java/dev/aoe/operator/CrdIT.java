package dev.aoe.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The committed CRD ({@code crds/}) is the one generated from dev.aoe.api at build time, with the
 * printer columns in the order kubectl should print them (the generator sorts them by name).
 * An IT because the CRD is generated at package time; {@code -Daoe.crd.update=true} rewrites the
 * committed file.
 */
class CrdIT {
    private static final String FILE = "aoeexports.aoe.dev-v1.yml";
    private static final List<String> COLUMNS = List.of("Target", "Node", "Interface", "Size", "Phase", "Ready", "Age");

    @Test
    void theCommittedCrdIsTheGeneratedOne() throws IOException {
        Path project = Path.of(System.getProperty("aoe.project.dir", "."));
        Path generated = Path.of(System.getProperty("aoe.crd.dir", project.resolve("target/crds").toString())).resolve(FILE);
        if (!Files.exists(generated)) {
            fail(generated + " is missing: run ./mvnw package (the CRD is generated at build time)");
        }
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(generated), CustomResourceDefinition.class);
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        version.getAdditionalPrinterColumns().sort(Comparator.comparing(c -> COLUMNS.indexOf(c.getName())));
        String expected = Serialization.asYaml(crd);
        Path committed = project.resolve("crds").resolve(FILE);
        if (Boolean.getBoolean("aoe.crd.update")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, expected);
        }
        assertEquals(expected, Files.exists(committed) ? Files.readString(committed) : "",
                committed + " differs from the generated CRD: run ./mvnw verify -Dit.test=CrdIT -Daoe.crd.update=true");

        assertEquals(COLUMNS, version.getAdditionalPrinterColumns().stream()
                .map(CustomResourceColumnDefinition::getName).toList());
        assertNotNull(version.getSubresources().getStatus(), "status subresource");
        assertEquals("Cluster", crd.getSpec().getScope());
        // The address is optional (the operator assigns one), both or neither, and fixed once set.
        JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertFalse(spec.getRequired().contains("shelf") || spec.getRequired().contains("slot"), "an optional address");
        List<String> rules = spec.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
        assertTrue(rules.contains("has(self.shelf) == has(self.slot)"), "CEL rule: both or neither: " + rules);
        assertTrue(rules.contains("(!has(oldSelf.shelf) || (has(self.shelf) && self.shelf == oldSelf.shelf))"
                + " && (!has(oldSelf.slot) || (has(self.slot) && self.slot == oldSelf.slot))"), "CEL rule: immutable once set");
        assertTrue(expected.contains("shelf and slot are immutable once set"), "CEL rule on the address");
        assertTrue(expected.contains("source needs exactly one of file or device"), "CEL rule on the source");
        assertTrue(expected.contains("file.create needs file.size"), "CEL rule on file creation");
        assertTrue(expected.contains("set interface (one) or interfaces (several), not both"),
                "CEL rule on interface and interfaces");
        assertTrue(expected.contains("interfaces must not repeat"), "CEL rule on the interfaces list");
    }

    /** The size rules are in the schema, in the form CelRulesTest evaluates. */
    @Test
    void theSizeIsAQuantityThatMayOnlyGrow() throws IOException {
        Path project = Path.of(System.getProperty("aoe.project.dir", "."));
        String crd = Files.readString(project.resolve("crds").resolve(FILE));
        Map<String, String> rules = new HashMap<>();
        collectRules(Serialization.unmarshal(crd, Map.class), rules);
        assertTrue(crd.contains("x-kubernetes-int-or-string: true"), "file.size takes 10Gi or 1073741824");
        assertEquals("!has(oldSelf.size) || !isQuantity(string(oldSelf.size)) || (has(self.size)"
                        + " && isQuantity(string(self.size))"
                        + " && quantity(string(self.size)).compareTo(quantity(string(oldSelf.size))) >= 0)",
                rules.get("file.size may only grow: a served disk never shrinks (create a new AoeExport for a smaller one)"));
        assertTrue(rules.keySet().stream().anyMatch(m -> m.startsWith("file.size must be a positive multiple of 512")));
        assertEquals("self.path == oldSelf.path && self.create == oldSelf.create",
                rules.get("file.path and file.create are immutable: create a new AoeExport for another file"));
        assertTrue(rules.keySet().stream().anyMatch(m -> m.startsWith("source is immutable but for file.size")));
        assertTrue(rules.keySet().stream().anyMatch(m -> m.startsWith("file.size may grow only on an export without length")));
        assertFalse(rules.containsValue("self.source == oldSelf.source"), "the old all-immutable source rule is gone");
    }

    /** Every x-kubernetes-validations rule in the schema, by message. */
    private static void collectRules(Object node, Map<String, String> rules) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("rule") instanceof String rule && map.get("message") instanceof String message) {
                rules.put(message, rule);
            }
            map.values().forEach(v -> collectRules(v, rules));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collectRules(v, rules));
        }
    }
}
