package dev.aoe.policy;

import dev.aoe.store.Stores;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a block device is in use on the node: mounted (its filesystem, the root filesystem
 * included), used as swap, or held by another block device (device-mapper, md, a loop device).
 * A device counts as in use when it, any of its partitions or the disk it is a partition of is:
 * exporting {@code /dev/sda} while {@code /dev/sda1} is mounted at {@code /} would put the root
 * filesystem onto the LAN, writable by anyone there.
 *
 * <p>Devices are compared by major:minor, so any name (a {@code /dev/disk/by-id} link, a node
 * made with {@code mknod} under an allowed root) is caught. Mounts are read from
 * {@code /proc/self/mountinfo} and {@code /proc/1/mountinfo}: in a container these show the
 * host's mounts only when the pod shares the host's PID namespace (hostPID) or mounts the host's
 * {@code /proc}; otherwise the check sees the container's own mounts and misses the host's.
 * This class gives the readable reason; the guarantee is the kernel's: the engine opens a device
 * exclusively ({@code O_EXCL}), which fails for a device mounted or held in any namespace.
 */
public final class Mounts {
    private final List<Path> mountInfos;
    private final Path swaps;
    private final Path sysDevBlock;

    /**
     * @param mountInfos  mountinfo files to read (missing or unreadable ones are skipped)
     * @param swaps       the {@code /proc/swaps} file
     * @param sysDevBlock the {@code /sys/dev/block} directory (MAJ:MIN links to the devices)
     */
    Mounts(List<Path> mountInfos, Path swaps, Path sysDevBlock) {
        this.mountInfos = List.copyOf(mountInfos);
        this.swaps = swaps;
        this.sysDevBlock = sysDevBlock;
    }

    /** The node's: this process's mounts and PID 1's (the host's, when the pod has hostPID). */
    public static Mounts node() {
        return new Mounts(List.of(Path.of("/proc/self/mountinfo"), Path.of("/proc/1/mountinfo")),
                Path.of("/proc/swaps"), Path.of("/sys/dev/block"));
    }

    /** A device number, as {@code stat} shows it. */
    record DevId(long major, long minor) {
        static DevId parse(String text) {
            int colon = text.indexOf(':');
            return new DevId(Long.parseLong(text.substring(0, colon).trim()), Long.parseLong(text.substring(colon + 1).trim()));
        }

        /** Decodes a Linux {@code dev_t} (glibc's gnu_dev_major/minor). */
        static DevId of(long rdev) {
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new DevId(major, minor);
        }

        @Override
        public String toString() {
            return major + ":" + minor;
        }
    }

    /** The device number of a device node. */
    static DevId deviceOf(Path deviceNode) throws IOException {
        return DevId.of(((Number) Files.getAttribute(deviceNode, "unix:rdev")).longValue());
    }

    /**
     * Why {@code device} (a block device node) may not be exported, or empty when nothing on the
     * node uses it.
     */
    public Optional<String> inUse(Path device) throws IOException {
        DevId id = deviceOf(device);
        Map<DevId, String> related = related(id);
        for (Path mountInfo : mountInfos) {
            for (String line : lines(mountInfo)) {
                Optional<String> hit = mountHit(line, related);
                if (hit.isPresent()) {
                    return hit;
                }
            }
        }
        List<String> swapLines = lines(swaps);
        for (int i = 1; i < swapLines.size(); i++) {
            String[] f = swapLines.get(i).trim().split("\\s+");
            DevId swap = f.length > 0 ? sourceDevice(f[0]) : null;
            if (swap != null && related.containsKey(swap)) {
                return Optional.of(related.get(swap) + " used as swap");
            }
        }
        for (Map.Entry<DevId, String> e : related.entrySet()) {
            List<String> holders = holders(e.getKey());
            if (!holders.isEmpty()) {
                return Optional.of(e.getValue() + " held by " + String.join(", ", holders) + " (device-mapper, md or loop)");
            }
        }
        return Optional.empty();
    }

    /**
     * The device itself, the disk it is a partition of, and that disk's (or its own) partitions,
     * each with how it relates to the device for the message.
     */
    Map<DevId, String> related(DevId id) throws IOException {
        Map<DevId, String> related = new LinkedHashMap<>();
        related.put(id, "it (" + id + ")");
        Path sys = sysDevBlock.resolve(id.toString());
        if (!Files.isDirectory(sys)) {
            return related; // no sysfs (or not a known disk): only the device itself is compared
        }
        Path real = sys.toRealPath();
        Path disk = real;
        if (Files.exists(real.resolve("partition"))) {
            disk = real.getParent();
            DevId parent = devOf(disk);
            if (parent != null) {
                related.put(parent, "its disk " + disk.getFileName() + " (" + parent + ")");
            }
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(disk)) {
            for (Path child : children) {
                if (Files.exists(child.resolve("partition"))) {
                    DevId part = devOf(child);
                    if (part != null) {
                        related.putIfAbsent(part, "partition " + child.getFileName() + " (" + part + ")");
                    }
                }
            }
        }
        return related;
    }

    private static DevId devOf(Path sysDir) throws IOException {
        Path dev = sysDir.resolve("dev");
        return Files.isRegularFile(dev) ? DevId.parse(Files.readString(dev).trim()) : null;
    }

    private List<String> holders(DevId id) throws IOException {
        Path dir = sysDevBlock.resolve(id.toString()).resolve("holders");
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> holders = Files.newDirectoryStream(dir)) {
                holders.forEach(h -> names.add(h.getFileName().toString()));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * A mountinfo line: {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER}.
     * The MAJ:MIN is the filesystem's device (anonymous for btrfs, overlay, tmpfs), so the source
     * is compared too when it names a device node.
     */
    private static Optional<String> mountHit(String line, Map<DevId, String> related) {
        String[] f = line.split(" ");
        if (f.length < 5) {
            return Optional.empty();
        }
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        String source = dash > 0 && dash + 2 < f.length ? unescape(f[dash + 2]) : "?";
        String fsType = dash > 0 && dash + 1 < f.length ? f[dash + 1] : "?";
        DevId dev;
        try {
            dev = DevId.parse(f[2]);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        String who = related.get(dev);
        if (who == null) {
            DevId fromSource = sourceDevice(source);
            who = fromSource == null ? null : related.get(fromSource);
        }
        if (who == null) {
            return Optional.empty();
        }
        String mountPoint = unescape(f[4]);
        String root = mountPoint.equals("/") ? ": it holds the root filesystem" : "";
        return Optional.of(who + " mounted at " + mountPoint + " (" + fsType + " from " + source + ")" + root);
    }

    private static DevId sourceDevice(String source) {
        if (!source.startsWith("/")) {
            return null;
        }
        try {
            Path p = Path.of(source);
            return Stores.isBlockDevice(p) ? deviceOf(p) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of(); // /proc/1 may be unreadable without hostPID or privileges
        }
    }
}
