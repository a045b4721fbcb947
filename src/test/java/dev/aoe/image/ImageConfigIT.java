package dev.aoe.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The image config inside the tarball keeps the Dockerfile's contract, so that the chart, the
 * manifests and the engine DaemonSet run either image the same way.
 */
class ImageConfigIT {
    /** Where the Dockerfile's base image (Temurin) has its JDK, and so where the tarball has its runtime. */
    private static final String JAVA_HOME = "/opt/java/openjdk";

    private static ImageArchive image;
    private static Dockerfile dockerfile;

    @BeforeAll
    static void read() {
        image = ImageArchive.ofThisBuild().orElse(null);
        String project = System.getProperty("aoe.project.dir", System.getProperty("user.dir"));
        dockerfile = Dockerfile.read(Path.of(project, "src/main/docker/Dockerfile"));
    }

    @BeforeEach
    void needsTheTarball() {
        assumeTrue(image != null, ImageArchive.NOT_BUILT);
    }

    @Test
    void entrypointRunsTheFastJarFromTheWorkingDirectory() {
        assertEquals(List.of("java", "-jar", "/deployments/quarkus-run.jar"), dockerfile.entrypoint());
        assertEquals(dockerfile.entrypoint(), image.entrypoint());
        assertEquals(dockerfile.workingDir(), image.workingDir());
    }

    @Test
    void runsAsUser185() {
        assertEquals("185", dockerfile.user());
        assertEquals(dockerfile.user(), image.user());
    }

    @Test
    void environmentIsTheDockerfilesWithJavaOnThePath() {
        Map<String, String> env = image.env();
        assertTrue(dockerfile.env().keySet().containsAll(List.of("HOME", "LANG", "JAVA_TOOL_OPTIONS")),
                () -> "Dockerfile ENV: " + dockerfile.env());
        dockerfile.env().forEach((name, value) -> assertEquals(value, env.get(name), name));
        assertEquals(JAVA_HOME, env.get("JAVA_HOME"));
        assertTrue(env.get("PATH").startsWith(JAVA_HOME + "/bin:"), () -> "PATH=" + env.get("PATH"));
    }

    @Test
    void exposesTheHealthAndMetricsPort() {
        assertEquals(dockerfile.exposedPorts(), image.exposedPorts());
    }

    @Test
    void builtForThisMachinesArchitecture() {
        String arch = System.getProperty("os.arch");
        assertEquals(arch.equals("aarch64") ? "arm64" : arch.equals("x86_64") ? "amd64" : arch, image.architecture());
        assertEquals("linux", image.config().path("os").asText());
    }
}
