package dev.aoe.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop devices on sparse files in a test's directory, detached (and unmounted) on close. Needs
 * root and util-linux; {@link #assumeAvailable} skips a test that cannot have them, saying why.
 */
public final class LoopDevices implements AutoCloseable {
    private final Path dir;
    private final List<Path> attached = new ArrayList<>();
    private final List<Path> mounted = new ArrayList<>();

    public LoopDevices(Path dir) {
        this.dir = dir;
    }

    public static void assumeAvailable(String... commands) {
        assumeTrue(Shell.isRoot(), "needs root for losetup and mount");
        assumeTrue(Shell.hasCommand("losetup"), "needs losetup (util-linux)");
        for (String command : commands) {
            assumeTrue(Shell.hasCommand(command), "needs " + command);
        }
    }

    /** A loop device on a new sparse file {@code name} of {@code bytes}, with losetup's {@code options}. */
    public Path attach(String name, long bytes, String... options) throws IOException {
        Path backing = dir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(bytes);
        }
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        command.addAll(List.of(options));
        command.add(backing.toString());
        Path device = Path.of(Shell.run(command.toArray(String[]::new)));
        attached.add(device);
        return device;
    }

    /** Makes an ext4 on {@code device} and mounts it on {@code mountPoint} in this mount namespace. */
    public void mountExt4(Path device, Path mountPoint) throws IOException {
        Shell.run("mkfs.ext4", "-q", "-F", device.toString());
        Shell.run("mount", device.toString(), mountPoint.toString());
        mounted.add(mountPoint);
    }

    public void unmount(Path mountPoint) throws IOException {
        Shell.run("umount", mountPoint.toString());
        mounted.remove(mountPoint);
    }

    @Override
    public void close() throws IOException {
        for (Path mountPoint : mounted) {
            Shell.run("umount", "-l", mountPoint.toString());
        }
        for (Path device : attached) {
            Shell.run("losetup", "--detach", device.toString());
        }
    }
}
