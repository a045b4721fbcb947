package dev.aoe.image;

import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Command;
import dev.aoe.testing.Pause;
import dev.aoe.testing.Privileges;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A containerd of the test's own: root, state, socket and runc state all under one directory,
 * the CRI plugin off, driven with {@code ctr} in a namespace named after this JVM. Nothing of a
 * containerd the machine may run is used or touched (containerd 1.6's shims alone put their
 * sockets in /run/containerd/s, named by a hash of this daemon's address, and remove them on
 * exit). {@link #close()} removes every container, image and snapshot, stops the daemon by its
 * PID and removes the cgroups runc made.
 *
 * <pre>
 *   try (Containerd containerd = Containerd.start(dir)) {
 *       String image = containerd.importImage(tar);
 *       Result r = containerd.run(image, emptyDir, "java", "-version");
 *   }
 * </pre>
 */
final class Containerd implements AutoCloseable {
    private static final Duration BOOT = Duration.ofSeconds(20);
    private static final Duration COMMAND = Duration.ofSeconds(60);

    private final Path dir;
    private final Process daemon;
    private final String namespace = "aoe-image-it-" + ProcessHandle.current().pid();
    private final AtomicInteger containers = new AtomicInteger();

    private Containerd(Path dir, Process daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    /** Why this machine cannot run containers this way, or empty when it can. */
    static Optional<String> unavailable() {
        if (!Privileges.isRoot()) {
            return Optional.of("needs root: it runs its own containerd and runc");
        }
        return Stream.of("containerd", "ctr", "runc")
                .filter(tool -> Privileges.executable(tool).isEmpty())
                .map(tool -> "needs `" + tool + "` (Debian package containerd; .ci/run installs it)")
                .findFirst();
    }

    /** Starts containerd with everything under {@code dir} and waits until it answers. */
    static Containerd start(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.toml"), config(dir));
        Process daemon = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd containerd = new Containerd(dir, daemon);
        try {
            containerd.awaitBoot();
            return containerd;
        } catch (RuntimeException | Error e) {
            containerd.close();
            throw e;
        }
    }

    private static String config(Path dir) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir);
    }

    private void awaitBoot() {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (!(Files.exists(socket()) && ctr("version").exit() == 0)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("containerd did not start within " + BOOT + "; its log:\n" + log());
            }
            Pause.millis(100);
        }
    }

    /** Imports a docker or OCI archive ({@code ctr images import}) and returns the image's name. */
    String importImage(Path tar) {
        ctr("images", "import", "--snapshotter", "native", tar.toString()).orFail();
        List<String> images = ctr("images", "list", "--quiet").orFail().stdout().lines().toList();
        if (images.size() != 1) {
            throw new AssertionError("expected one image after importing " + tar + ", found " + images);
        }
        return images.get(0);
    }

    /**
     * Runs {@code command} (replacing the image's entrypoint, as a pod's {@code command} does) in
     * a new container of {@code image}, as the image's user, with a read-only root file system, a
     * network namespace of its own and {@code emptyDir} mounted read-write at /tmp; removes the
     * container when it exits.
     */
    Result run(String image, Path emptyDir, List<String> command) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--read-only", "--snapshotter", "native",
                "--runc-root", dir.resolve("runc").toString(), "--fifo-dir", dir.resolve("fifo").toString(),
                "--mount", "type=bind,src=" + emptyDir + ",dst=/tmp,options=rbind:rw",
                image, "aoe-" + containers.incrementAndGet()));
        args.addAll(command);
        return ctr(args.toArray(String[]::new));
    }

    /** A new directory that any user may write, like the kubelet's emptyDir. */
    Path emptyDir() {
        try {
            Path emptyDir = Files.createTempDirectory(dir, "emptydir");
            Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            return emptyDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (daemon.isAlive()) {
                removeEverything();
            }
        } finally {
            stopDaemon();
            removeCgroups();
        }
    }

    private void removeEverything() {
        for (String container : ctr("containers", "list", "--quiet").stdout().lines().toList()) {
            ctr("tasks", "kill", "--signal", "SIGKILL", container);
            ctr("tasks", "delete", "--force", container);
            ctr("containers", "delete", container).orFail();
        }
        for (String image : ctr("images", "list", "--quiet").stdout().lines().toList()) {
            ctr("images", "remove", "--sync", image).orFail();
        }
        String snapshots = ctr("snapshots", "--snapshotter", "native", "list").orFail().stdout();
        if (snapshots.lines().count() > 1) {
            throw new AssertionError("snapshots left after removing every image:\n" + snapshots);
        }
    }

    private void stopDaemon() {
        daemon.destroy(); // SIGTERM to its PID
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** runc leaves an empty cgroup named after the namespace under each hierarchy (v1) or the root (v2). */
    private void removeCgroups() {
        Path root = Path.of("/sys/fs/cgroup");
        try (Stream<Path> hierarchies = Files.list(root)) {
            for (Path cgroup : Stream.concat(Stream.of(root), hierarchies).map(h -> h.resolve(namespace)).toList()) {
                if (Files.isDirectory(cgroup)) {
                    Files.delete(cgroup);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the cgroups named " + namespace, e);
        }
    }

    private Path socket() {
        return dir.resolve("containerd.sock");
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("containerd.log"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Runs {@code ctr} against this daemon and namespace. */
    private Result ctr(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket().toString(), "--namespace", namespace));
        command.addAll(List.of(args));
        return Command.of(command).run(COMMAND);
    }
}
