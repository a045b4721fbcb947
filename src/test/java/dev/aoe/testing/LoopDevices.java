package dev.aoe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Loop devices on sparse files, detached (and unmounted) on close. Needs root and util-linux;
 * {@link #assumeAvailable} skips a test that cannot have them, saying why. As an extension it
 * checks before each test and cleans up after it, after the test's {@code @AfterEach} methods:
 * <pre>{@code
 * @RegisterExtension
 * final LoopDevices loops = new LoopDevices("mkfs.ext4", "mount");
 * }</pre>
 */
public final class LoopDevices implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    private final List<String> commands;
    private Path dir;
    private boolean ownDir;
    private final List<Path> attached = new ArrayList<>();
    private final List<Path> mounted = new ArrayList<>();

    /** Backing files in {@code dir}; the caller checks {@link #assumeAvailable} and closes it. */
    public LoopDevices(Path dir) {
        this.commands = List.of();
        this.dir = dir;
    }

    /** An extension for tests that also need {@code commands}; backing files in a directory of its own. */
    public LoopDevices(String... commands) {
        this.commands = List.of(commands);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeAvailable(commands.toArray(String[]::new));
        dir = TempDirs.create("aoe-loop");
        ownDir = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            close();
        } finally {
            if (ownDir) {
                TempDirs.delete(dir);
            }
        }
    }

    public static void assumeAvailable(String... commands) {
        assumeTrue(Privileges.isRoot(), "needs root for losetup and mount");
        assumeTrue(Privileges.hasCommand("losetup"), "needs losetup (util-linux)");
        for (String command : commands) {
            assumeTrue(Privileges.hasCommand(command), "needs " + command);
        }
    }

    /** The backing file {@code name} of a device {@link #attach} made. */
    public Path backingFile(String name) {
        return dir.resolve(name);
    }

    /** A loop device on a new sparse file {@code name} of {@code bytes}, with losetup's {@code options}. */
    public Path attach(String name, long bytes, String... options) throws IOException {
        Path backing = backingFile(name);
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
        mounted.clear();
        for (Path device : attached) {
            Shell.run("losetup", "--detach", device.toString());
        }
        attached.clear();
    }
}
