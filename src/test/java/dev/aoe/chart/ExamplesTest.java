package dev.aoe.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.policy.PathPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/examples: each one is valid against the CRD's OpenAPI schema and its rules, reads as an
 * {@link AoeExport}, and lies under the chart's default path policy.
 */
class ExamplesTest {
    static final Path EXAMPLES = Charts.PROJECT.resolve("deploy/examples");
    static final ObjectMapper YAML = new YAMLMapper();

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    static JsonNode crdSchema() throws IOException {
        JsonNode crd = YAML.readTree(Charts.PROJECT.resolve("crds/aoeexports.aoe.dev-v1.yml").toFile());
        return crd.at("/spec/versions/0/schema/openAPIV3Schema");
    }

    @Test
    void theFourKindsAreThere() throws IOException {
        List<AoeExport> all = examples().map(ExamplesTest::read).toList();
        assertTrue(all.size() >= 4);
        assertTrue(all.stream().anyMatch(e -> e.getSpec().getSource().getFile() != null && e.getSpec().getSource().getFile().isCreate()));
        assertTrue(all.stream().anyMatch(e -> e.getSpec().getSource().getDevice() != null
                && e.getSpec().getSource().getDevice().getPath().startsWith("/dev/disk/by-id/")));
        assertTrue(all.stream().anyMatch(e -> Boolean.TRUE.equals(e.getSpec().getReadOnly()) && !e.getSpec().getAllowedInitiators().isEmpty()));
        assertTrue(all.stream().anyMatch(e -> "WriteBack".equals(String.valueOf(e.getSpec().getWriteCache()))));
        List<AoeExport> addressed = all.stream().filter(e -> e.getSpec().getShelf() != null).toList();
        assertTrue(addressed.size() < all.size(), "one names no address: the operator assigns it from its pool");
        assertEquals(addressed.size(), addressed.stream().map(AoeExport::targetName).distinct().count(), "one address each");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void validAgainstTheCrd(Path example) throws IOException {
        JsonNode doc = YAML.readTree(example.toFile());
        assertEquals("aoe.dev/v1alpha1", doc.path("apiVersion").asText());
        assertEquals("AoeExport", doc.path("kind").asText());
        assertFalse(doc.at("/metadata/name").asText().isEmpty());
        assertTrue(doc.at("/metadata/namespace").isMissingNode(), "cluster-scoped");
        List<String> errors = new ArrayList<>();
        validate(crdSchema().at("/properties/spec"), doc.path("spec"), "spec", errors);
        assertEquals(List.of(), errors);

        AoeExportSpec spec = read(example).getSpec();
        assertEquals(spec.getShelf() == null, spec.getSlot() == null, "shelf and slot: both or neither");
        assertNotNull(spec.getSource());
        assertTrue((spec.getSource().getFile() == null) != (spec.getSource().getDevice() == null), "exactly one source");
        if (spec.getSource().getFile() != null && spec.getSource().getFile().isCreate()) {
            assertNotNull(spec.getSource().getFile().getSize(), "file.create needs file.size");
        }
        assertTrue(spec.getOffset() == null || spec.getOffset() % 512 == 0);
        assertTrue(spec.getLength() == null || spec.getLength() % 512 == 0);
        PathPolicy defaults = new PathPolicy(List.of("/var/lib/aoe"), List.of("/dev/disk/by-id"));
        assertEquals(java.util.Optional.empty(),
                defaults.checkDeclared(spec.getSource().path(), spec.getSource().getDevice() != null));
    }

    static AoeExport read(Path example) {
        try {
            return Serialization.unmarshal(Files.readString(example), AoeExport.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The OpenAPI subset the CRD uses: type, required, properties (unknown fields are errors), items, bounds, pattern, enum. */
    static void validate(JsonNode schema, JsonNode value, String at, List<String> errors) {
        String type = schema.path("type").asText();
        boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            errors.add(at + ": not a " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean in = false;
            for (JsonNode e : schema.get("enum")) {
                in |= e.equals(value);
            }
            if (!in) {
                errors.add(at + ": " + value + " not in " + schema.get("enum"));
            }
        }
        if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
            errors.add(at + ": below " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
            errors.add(at + ": above " + schema.get("maximum"));
        }
        if (schema.has("pattern") && !java.util.regex.Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
            errors.add(at + ": " + value + " does not match " + schema.get("pattern"));
        }
        if (schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
            errors.add(at + ": longer than " + schema.get("maxLength"));
        }
        if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
            errors.add(at + ": more than " + schema.get("maxItems") + " items");
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.path("items"), value.get(i), at + "[" + i + "]", errors);
            }
        }
        if (value.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    errors.add(at + "." + r.asText() + ": required");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                var f = it.next();
                JsonNode sub = schema.path("properties").path(f.getKey());
                if (sub.isMissingNode()) {
                    errors.add(at + "." + f.getKey() + ": unknown field (the API server would drop it)");
                } else {
                    validate(sub, f.getValue(), at + "." + f.getKey(), errors);
                }
            }
        }
    }

    @Test
    void theValidatorCatchesMistakes() throws IOException {
        JsonNode bad = YAML.readTree("""
                shelf: 65535
                slot: 0
                nodeName: Worker_1
                source: {file: {path: /var/lib/aoe/x.img, sise: 1Gi}}
                writeCache: Sometimes
                allowedInitiators: ["not-a-mac"]
                """);
        List<String> errors = new ArrayList<>();
        validate(crdSchema().at("/properties/spec"), bad, "spec", errors);
        assertEquals(5, errors.size(), String.valueOf(errors));
    }
}
