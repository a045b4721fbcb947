package dev.aoe.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.testing.Command.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image tarball in a real container runtime, as a pod runs it: imported into a containerd of
 * the test's own ({@code ctr images import}, what {@code kind load image-archive} does), each
 * command a new container with the image's user (185), a read-only root file system and an
 * emptyDir at /tmp. The commands go after the image's entrypoint, as a pod's {@code args} do.
 */
class ImageIT {
    private static final String JAVA_TOOL_OPTIONS = "Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75";

    @TempDir
    static Path dir;
    /** Why these tests cannot run here, or null. */
    private static String skipReason;
    private static ImageArchive archive;
    private static Containerd containerd;
    private static String image;

    @BeforeAll
    static void importImage() throws IOException {
        archive = ImageArchive.ofThisBuild().orElse(null);
        skipReason = archive == null ? ImageArchive.NOT_BUILT : Containerd.unavailable().orElse(null);
        if (skipReason == null) {
            containerd = Containerd.start(dir);
            image = containerd.importImage(archive.tar());
        }
    }

    @BeforeEach
    void needsTheImageAndContainerd() {
        assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void tearDown() {
        if (containerd != null) {
            containerd.close();
        }
    }

    /** Runs the image's entrypoint with {@code args} in a new container with a new emptyDir. */
    private static Result aoe(String... args) {
        return aoe(containerd.emptyDir(), args);
    }

    private static Result aoe(Path emptyDir, String... args) {
        List<String> command = new ArrayList<>(archive.entrypoint());
        command.addAll(List.of(args));
        return containerd.run(image, emptyDir, command);
    }

    private static void assertMentions(Result r, String... words) {
        for (String word : words) {
            assertTrue(r.stdout().contains(word), () -> "expected '" + word + "' in\n" + r.describe());
        }
    }

    @Test
    void helpListsTheCommandsWithTheImagesJavaOptions() {
        Result r = aoe("--help");
        assertEquals(0, r.exit(), r::describe);
        assertMentions(r, "Usage: aoe", "serve", "operator", "engine");
        assertTrue(r.stderr().contains(JAVA_TOOL_OPTIONS), r::describe);
    }

    @Test
    void engineHelp() {
        Result r = aoe("engine", "--help");
        assertEquals(0, r.exit(), r::describe);
        assertMentions(r, "Usage: aoe engine", "--node", "--state-dir");
    }

    @Test
    void versionIsTheTagsVersion() {
        Result r = aoe("--version");
        assertEquals(0, r.exit(), r::describe);
        String version = archive.tag().substring(archive.tag().lastIndexOf(':') + 1);
        assertEquals("aoe-operator " + version, r.stdout().strip(), r::describe);
    }

    /** jnr-ffi's libc binding (jffi's stub, extracted into /tmp) looks the interface up: if_nametoindex. */
    @Test
    void serveReportsAMissingInterfaceThroughLibc() throws IOException {
        Path emptyDir = containerd.emptyDir();
        Result r = aoe(emptyDir, "serve", "--no-state", "--probe-ms", "0", "1", "0", "nosuch0", disk(emptyDir));
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.stderr().contains("aoe serve: error: e1.0: no network interface 'nosuch0'"), r::describe);
    }

    /** User 185 has no capabilities: libc's socket(AF_PACKET) fails and serve says what it needs. */
    @Test
    void serveAsTheImagesUserLacksCapNetRaw() throws IOException {
        Path emptyDir = containerd.emptyDir();
        Result r = aoe(emptyDir, "serve", "--no-state", "--probe-ms", "0", "1", "0", "lo", disk(emptyDir));
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.stderr().contains("needs CAP_NET_RAW"), r::describe);
    }

    /** The default truststore is a keystore in the image, not a link to the build machine's /etc. */
    @Test
    void defaultTruststoreHoldsCertificates() {
        Result r = containerd.run(image, containerd.emptyDir(), List.of("keytool", "-list", "-cacerts", "-storepass", "changeit"));
        assertEquals(0, r.exit(), r::describe);
        Matcher entries = Pattern.compile("Your keystore contains (\\d+) entries").matcher(r.stdout());
        assertTrue(entries.find() && Integer.parseInt(entries.group(1)) > 0, r::describe);
    }

    /** A 1 MiB image in {@code emptyDir} owned by the image's user; returns its path in the container. */
    private static String disk(Path emptyDir) throws IOException {
        Path disk = emptyDir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        Files.setAttribute(disk, "unix:uid", Integer.parseInt(archive.user()));
        return "/tmp/" + disk.getFileName();
    }
}
