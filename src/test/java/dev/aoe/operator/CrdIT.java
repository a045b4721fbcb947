package dev.aoe.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertTrue(expected.contains("shelf and slot are immutable"), "CEL rule on the address");
        assertTrue(expected.contains("source needs exactly one of file or device"), "CEL rule on the source");
        assertTrue(expected.contains("file.create needs file.size"), "CEL rule on file creation");
        assertTrue(expected.contains("set interface (one) or interfaces (several), not both"),
                "CEL rule on interface and interfaces");
        assertTrue(expected.contains("interfaces must not repeat"), "CEL rule on the interfaces list");
    }
}
