package dev.aoe.chart;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * deploy/ is the chart rendered for {@code kubectl apply}. It is kept in step by this test;
 * {@code ./mvnw test -Dtest=DeployManifestsTest -Daoe.deploy.update=true} rewrites it.
 */
class DeployManifestsTest {
    static final Path DEPLOY = Charts.PROJECT.resolve("deploy");
    static final boolean UPDATE = Boolean.getBoolean("aoe.deploy.update");

    static final String HEADER = """
            # aoe-operator for `kubectl apply -f deploy/crds/ -f deploy/aoe-operator.yaml`.
            # Generated from charts/aoe-operator with its default values and namespace.create=true
            # (release "aoe" in namespace aoe-system): do not edit; change the chart, then run
            #   ./mvnw test -Dtest=DeployManifestsTest -Daoe.deploy.update=true
            # Other settings: install the chart with Helm, or edit a copy of this file.
            """;

    @Test
    void manifestsAreTheRenderedChart() throws IOException {
        String rendered = HEADER + Charts.render(Map.of("namespace.create", true));
        Path file = DEPLOY.resolve("aoe-operator.yaml");
        if (UPDATE) {
            Files.writeString(file, rendered);
        }
        assertEquals(rendered, Files.exists(file) ? Files.readString(file) : "",
                file + " is stale: regenerate it with -Daoe.deploy.update=true");
    }

    @Test
    void crdsAreTheRepositoryCrds() throws IOException {
        Path crds = Charts.PROJECT.resolve("crds");
        if (UPDATE) {
            try (var files = Files.list(crds)) {
                for (Path f : files.toList()) {
                    Files.copy(f, DEPLOY.resolve("crds").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        ChartTest.assertSameFiles(crds, DEPLOY.resolve("crds"));
    }
}
