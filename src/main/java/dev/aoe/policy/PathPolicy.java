package dev.aoe.policy;

import dev.aoe.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The security boundary of what may be exported. The operator checks the path as written
 * (absolute, no {@code .} or {@code ..}, under an allowed root); the engine checks again on the
 * node ({@link #checkOnNode}), with a rule for each kind of source:
 * <ul>
 *   <li><b>Files</b>: the real path, every symbolic link resolved, must stay under a file root,
 *       so a link inside {@code /var/lib/aoe} cannot point an export at {@code /etc/shadow}; and
 *       the name itself must not be a link (the engine opens it with {@code O_NOFOLLOW}).</li>
 *   <li><b>Devices</b>: the admin allows the <em>name</em> under a device root, lexically: a
 *       {@code /dev/disk/by-id} entry is a link to {@code /dev/sdX} by design, so what it
 *       resolves to lies outside the root, always. What it resolves to must be a block device
 *       that is not in use on the node ({@link Mounts}): not mounted (the root filesystem
 *       included), not swap, not held by device-mapper or md, nor any of its partitions or its
 *       disk. Whoever can make links under a device root chooses which devices may be exported,
 *       so a device root must be writable by root only (udev's {@code /dev/disk/by-*} are).</li>
 * </ul>
 * These checks explain a refusal; they are made on paths, which may change before the engine
 * opens them. The engine therefore checks again on what it opened ({@code dev.aoe.store.SourceRule}:
 * the descriptor's kind, a file's real path from {@code /proc/self/fd}), and opens block devices
 * exclusively ({@code O_EXCL}), which the kernel refuses for a device mounted or held in any mount
 * namespace, including the host's when the engine runs in a pod that cannot see its mounts.
 */
public final class PathPolicy {
    private final List<Path> fileRoots;
    private final List<Path> deviceRoots;
    private final Mounts mounts;

    public PathPolicy(List<String> fileRoots, List<String> deviceRoots) {
        this(fileRoots, deviceRoots, Mounts.node());
    }

    PathPolicy(List<String> fileRoots, List<String> deviceRoots, Mounts mounts) {
        this.mounts = mounts;
        this.fileRoots = fileRoots.stream().map(PathPolicy::root).toList();
        this.deviceRoots = deviceRoots.stream().map(PathPolicy::root).toList();
    }

    private static Path root(String root) {
        Path p = Path.of(root);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("allowed root '" + root + "' must be an absolute path");
        }
        return p.normalize();
    }

    public List<Path> fileRoots() {
        return fileRoots;
    }

    public List<Path> deviceRoots() {
        return deviceRoots;
    }

    /**
     * Checks a path as written in a spec. Returns why it is refused, or empty when allowed.
     *
     * @param device whether the path names a block device (else a regular file)
     */
    public Optional<String> checkDeclared(String path, boolean device) {
        if (path == null || !path.startsWith("/")) {
            return Optional.of("path '" + path + "' must be absolute");
        }
        for (String part : path.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                return Optional.of("path '" + path + "' must not contain '.' or '..'");
            }
        }
        return under(Path.of(path).normalize(), device, path);
    }

    /**
     * Checks a path on the node: for a file, symbolic links resolved and the kind confirmed (a
     * missing file is checked through its nearest existing parent, it may be created); for a
     * device, the name as written, then what it resolves to (see the class comment).
     */
    public Optional<String> checkOnNode(Path path, boolean device) throws IOException {
        Optional<String> declared = checkDeclared(path.toString(), device);
        if (declared.isPresent()) {
            return declared;
        }
        Path resolved = resolve(path);
        if (resolved == null) {
            return Optional.of(path + " has too many levels of symbolic links");
        }
        return device ? checkDevice(path, resolved) : checkFile(path, resolved);
    }

    private Optional<String> checkDevice(Path path, Path resolved) throws IOException {
        String shown = resolved.equals(path) ? path.toString() : path + " (resolves to " + resolved + ")";
        if (!Files.exists(resolved)) {
            return Optional.of(shown + " does not exist");
        }
        if (!Stores.isBlockDevice(resolved)) {
            return Optional.of(shown + " is not a block device");
        }
        Optional<String> inUse = mounts.inUse(resolved);
        return inUse.map(why -> path + " (" + resolved + ") is in use on the node: " + why
                + "; a device that is mounted, swap or held cannot be exported");
    }

    private Optional<String> checkFile(Path path, Path resolved) {
        Optional<String> refused = under(resolved, false, path + " (resolves to " + resolved + ")");
        if (refused.isPresent()) {
            return refused;
        }
        if (Files.isSymbolicLink(path)) {
            return Optional.of(path + " is a symbolic link (to " + resolved + "): a file source must name the file"
                    + " itself; use " + resolved);
        }
        if (Files.exists(resolved) && !Files.isRegularFile(resolved)) {
            return Optional.of(path + " is not a regular file (a file source must be one; use a device source for block devices)");
        }
        return Optional.empty();
    }

    private Optional<String> under(Path p, boolean device, String shown) {
        List<Path> roots = device ? deviceRoots : fileRoots;
        for (Path root : roots) {
            if (p.startsWith(root) && !p.equals(root)) {
                return Optional.empty();
            }
        }
        String kind = device ? "device" : "file";
        return Optional.of(shown + " is outside the allowed " + kind + " roots " + roots
                + "; ask the cluster admin to allow its directory (Helm value policy." + kind + "Roots)");
    }

    /**
     * The real path of {@code p}, resolving every symbolic link on the way, dangling ones
     * included (a dangling link to {@code /etc/cron.d/x} would otherwise pass as a missing file
     * under the root and be created through the link); missing parts are kept as written.
     *
     * @return null when links loop or nest too deep
     */
    private static Path resolve(Path p) throws IOException {
        return resolve(p, 0);
    }

    private static final int MAX_LINKS = 40;

    private static Path resolve(Path p, int depth) throws IOException {
        if (depth > MAX_LINKS) {
            return null;
        }
        Path current = p.getRoot();
        for (Path name : p) {
            String n = name.toString();
            if (n.equals(".")) {
                continue;
            }
            if (n.equals("..")) {
                // current is already free of links, so its parent is the real parent
                current = current.getParent() == null ? current : current.getParent();
                continue;
            }
            Path next = current.resolve(n);
            if (Files.isSymbolicLink(next)) {
                next = resolve(current.resolve(Files.readSymbolicLink(next)), depth + 1);
                if (next == null) {
                    return null;
                }
            }
            current = next;
        }
        return current;
    }
}
