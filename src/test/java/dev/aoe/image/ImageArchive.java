package dev.aoe.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The docker-archive tarball that {@code ./mvnw package -Pimage} builds (failsafe's
 * {@code aoe.image.tar}): its tag and the image config, read with {@code tar} as any loader would.
 */
record ImageArchive(Path tar, String tag, JsonNode config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why there is no tarball to test, for the skip message. */
    static final String NOT_BUILT = "this build made no image tarball: `./mvnw verify -Pimage` builds"
            + " target/aoe-operator-image.tar and tests it (.ci/run does)";

    /** The tarball this build made (with -Pimage), or empty when it made none. */
    static Optional<ImageArchive> ofThisBuild() {
        String tar = System.getProperty("aoe.image.tar");
        if (tar == null) {
            return Optional.empty();
        }
        Path path = Path.of(tar);
        assertTrue(Files.isRegularFile(path), "the image profile should have built " + path);
        return Optional.of(read(path));
    }

    static ImageArchive read(Path tar) {
        try {
            JsonNode manifest = JSON.readTree(entry(tar, "manifest.json"));
            assertEquals(1, manifest.size(), "one image in " + tar);
            JsonNode image = manifest.get(0);
            JsonNode config = JSON.readTree(entry(tar, image.get("Config").asText()));
            return new ImageArchive(tar, image.get("RepoTags").get(0).asText(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> entrypoint() {
        return strings(config.path("config").path("Entrypoint"));
    }

    String user() {
        return config.path("config").path("User").asText();
    }

    String workingDir() {
        return config.path("config").path("WorkingDir").asText();
    }

    List<String> exposedPorts() {
        List<String> ports = new ArrayList<>();
        config.path("config").path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return ports;
    }

    String architecture() {
        return config.path("architecture").asText();
    }

    /** The environment, in the config's order. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : strings(config.path("config").path("Env"))) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** One file of the tarball ({@code tar -xOf}). */
    private static byte[] entry(Path tar, String name) throws IOException {
        Process p = new ProcessBuilder("tar", "-xOf", tar.toString(), name)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream out = p.getInputStream()) {
            byte[] content = out.readAllBytes();
            assertEquals(0, p.waitFor(), "tar could not read " + name + " from " + tar);
            return content;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
