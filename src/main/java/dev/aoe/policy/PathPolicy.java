package dev.aoe.policy;

import dev.aoe.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The security boundary of what may be exported: files only under the admin's file roots,
 * devices only under the device roots. The operator checks the path as written (normalised,
 * no {@code ..}); the engine checks again on the node after resolving symbolic links, so a link
 * inside an allowed root cannot point an export at {@code /etc/shadow} or the root disk. A device
 * must moreover not be in use on the node ({@link Mounts}): not mounted (the root filesystem
 * included), not swap, not held by device-mapper or md, nor any of its partitions or its disk.
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
     * Checks a path on the node: symbolic links resolved, the file or device kind confirmed.
     * A missing file is checked through its nearest existing parent (it may be created).
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
        Optional<String> refused = under(resolved, device, path + " (resolves to " + resolved + ")");
        if (refused.isPresent()) {
            return refused;
        }
        if (device) {
            if (!Files.exists(resolved)) {
                return Optional.of(path + " does not exist");
            }
            if (!Stores.isBlockDevice(resolved)) {
                return Optional.of(path + " is not a block device");
            }
            Optional<String> inUse = mounts.inUse(resolved);
            if (inUse.isPresent()) {
                return Optional.of(path + " (" + resolved + ") is in use on the node: " + inUse.get()
                        + "; a device that is mounted, swap or held cannot be exported");
            }
        } else if (Files.exists(resolved) && !Files.isRegularFile(resolved)) {
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
