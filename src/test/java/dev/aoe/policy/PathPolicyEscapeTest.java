package dev.aoe.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aoe.store.Stores;
import dev.aoe.testing.NodeTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way out of the path policy we know of, each refused with a message that says why: paths
 * as written (relative, {@code ..}, {@code .}, a root's prefix), symbolic links inside a file root
 * (to a file, a directory, a chain, dangling, a loop, a block device, even to a file inside the
 * root: a file source names the file itself), nodes that are not regular
 * files in a file root (a block node made with mknod, a FIFO, a char device, a directory), and
 * devices in use (mounted, the root filesystem's, through a partition or a holder). Cases that
 * need root or a loop device skip, saying why.
 */
class PathPolicyEscapeTest {
    private static final List<String> REFUSED = new ArrayList<>();
    private static final List<String> SKIPPED = new ArrayList<>();

    @TempDir
    Path tmp;
    private NodeTree tree;
    private String test;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        tree = NodeTree.under(tmp, "root:secret\n");
        test = info.getTestMethod().orElseThrow().getName();
    }

    @AfterAll
    static void summary() {
        System.out.println("PathPolicyEscapeTest: " + REFUSED.size() + " escape attempts refused with a reason, in "
                + REFUSED.stream().distinct().count() + " cases " + REFUSED.stream().distinct().toList() + (SKIPPED.isEmpty() ? "" : "; skipped " + SKIPPED));
    }

    // ---- as written ----

    @Test
    void relativePath() throws IOException {
        refused(tree.policy().checkDeclared("var/lib/aoe/d.img", false), "must be absolute");
        refused(tree.policy().checkOnNode(Path.of("d.img"), false), "must be absolute");
    }

    @Test
    void dotDotSegments() throws IOException {
        PathPolicy real = new PathPolicy(List.of("/var/lib/aoe"), List.of("/dev/disk/by-id"));
        refused(real.checkDeclared("/var/lib/aoe/../../etc/shadow", false), "must not contain '.' or '..'");
        refused(tree.policy().checkOnNode(tree.files().resolve("../../../etc/shadow"), false), "must not contain '.' or '..'");
        refused(real.checkDeclared("/dev/disk/by-id/../../vda", true), "must not contain '.' or '..'");
    }

    @Test
    void dotSegment() {
        PathPolicy real = new PathPolicy(List.of("/var/lib/aoe"), List.of());
        refused(real.checkDeclared("/var/lib/aoe/./d.img", false), "must not contain '.' or '..'");
    }

    @Test
    void prefixOfARootIsNotUnderIt() {
        PathPolicy real = new PathPolicy(List.of("/var/lib/aoe"), List.of("/dev/disk/by-id"));
        refused(real.checkDeclared("/var/lib/aoe-evil/d.img", false), "outside the allowed file roots [/var/lib/aoe]");
        refused(real.checkDeclared("/var/lib/aoe", false), "outside the allowed file roots");
        refused(real.checkDeclared("/dev/disk/by-idx", true), "outside the allowed device roots");
        refused(real.checkDeclared("/var/lib/aoe/d.img", true), "outside the allowed device roots");
    }

    // ---- symbolic links ----

    @Test
    void symlinkToAFileOutside() throws IOException {
        Path link = Files.createSymbolicLink(tree.files().resolve("d.img"), tree.outside().resolve("shadow"));
        refused(tree.policy().checkOnNode(link, false), "resolves to " + tree.outside().resolve("shadow") + ") is outside the allowed file roots");
    }

    @Test
    void symlinkToADirectoryOutside() throws IOException {
        Files.createSymbolicLink(tree.files().resolve("sub"), tree.outside());
        refused(tree.policy().checkOnNode(tree.files().resolve("sub/shadow"), false), "is outside the allowed file roots");
        // A file that does not exist yet (the engine would create it) through the same link.
        refused(tree.policy().checkOnNode(tree.files().resolve("sub/new.img"), false), "resolves to " + tree.outside().resolve("new.img"));
    }

    @Test
    void symlinkChainLeavingTheRoot() throws IOException {
        Files.createSymbolicLink(tree.files().resolve("c"), Path.of("../../../etc/shadow"));
        Files.createSymbolicLink(tree.files().resolve("b"), Path.of("c"));
        Path a = Files.createSymbolicLink(tree.files().resolve("a.img"), tree.files().resolve("b"));
        refused(tree.policy().checkOnNode(a, false), "resolves to " + tree.outside().resolve("shadow") + ")");
    }

    @Test
    void danglingSymlinkToOutsideIsNotTakenForAMissingFile() throws IOException {
        Path link = Files.createSymbolicLink(tree.files().resolve("new.img"), tree.outside().resolve("cron.d/job"));
        refused(tree.policy().checkOnNode(link, false), "resolves to " + tree.outside().resolve("cron.d/job") + ") is outside");
    }

    @Test
    void symlinkLoop() throws IOException {
        Files.createSymbolicLink(tree.files().resolve("x"), tree.files().resolve("y"));
        Path y = Files.createSymbolicLink(tree.files().resolve("y"), tree.files().resolve("x"));
        refused(tree.policy().checkOnNode(y, false), "too many levels of symbolic links");
    }

    @Test
    void symlinkToABlockDevice() throws IOException {
        Path dev = someBlockDevice();
        Path inFiles = Files.createSymbolicLink(tree.files().resolve("disk.img"), dev);
        refused(tree.policy().checkOnNode(inFiles, false), "resolves to " + dev + ") is outside the allowed file roots");
        // In a device root that is what a name is for: see DeviceLinksTest.
    }

    @Test
    void symlinkToAFileInsideTheRoot() throws IOException {
        Path target = Files.writeString(tree.files().resolve("real.img"), "data");
        Path link = Files.createSymbolicLink(tree.files().resolve("alias.img"), target);
        refused(tree.policy().checkOnNode(link, false), "is a symbolic link (to " + target + "): a file source must name the file itself");
    }

    // ---- what a file source must be ----

    @Test
    void blockDeviceNodeMadeInsideAFileRoot() throws IOException {
        Path dev = someBlockDevice();
        assumeRoot();
        Mounts.DevId id = Mounts.deviceOf(dev);
        Path node = tree.files().resolve("disk.img");
        run("mknod", node.toString(), "b", Long.toString(id.major()), Long.toString(id.minor()));
        refused(tree.policy().checkOnNode(node, false), "is not a regular file");
    }

    @Test
    void fifoInsideAFileRoot() throws IOException {
        assumeTrue(hasCommand("mkfifo"), "no mkfifo");
        Path fifo = tree.files().resolve("pipe.img");
        run("mkfifo", fifo.toString());
        refused(tree.policy().checkOnNode(fifo, false), "is not a regular file");
    }

    @Test
    void charDeviceInsideAFileRoot() throws IOException {
        assumeRoot();
        Path node = tree.files().resolve("mem.img");
        run("mknod", node.toString(), "c", "1", "3"); // /dev/null's numbers: harmless
        refused(tree.policy().checkOnNode(node, false), "is not a regular file");
    }

    @Test
    void directoryInsideAFileRoot() throws IOException {
        Path dir = Files.createDirectories(tree.files().resolve("dir.img"));
        refused(tree.policy().checkOnNode(dir, false), "is not a regular file");
    }

    // ---- what a device source must be ----

    @Test
    void deviceSourceThatIsARegularFile() throws IOException {
        Path file = Files.writeString(tree.devices().resolve("fake"), "not a disk");
        refused(tree.policy().checkOnNode(file, true), "is not a block device");
        refused(tree.policy().checkOnNode(tree.devices().resolve("missing"), true), "does not exist");
    }

    @Test
    void mountedDevice() throws Exception {
        assumeRoot();
        assumeTrue(hasCommand("losetup") && hasCommand("mkfs.ext4") && hasCommand("mount"), "no losetup, mkfs.ext4 or mount");
        Path image = tmp.resolve("fs.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        String loop;
        try {
            loop = run("losetup", "--find", "--show", image.toString()).trim();
        } catch (IOException e) {
            assumeTrue(false, "no loop device: " + e.getMessage());
            return;
        }
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        boolean mounted = false;
        try {
            run("mkfs.ext4", "-q", "-F", loop);
            run("mount", loop, mnt.toString());
            mounted = true;
            PathPolicy dev = new PathPolicy(List.of(), List.of("/dev"));
            refused(dev.checkOnNode(Path.of(loop), true), "mounted at " + mnt + " (ext4");
            // By another name: a link in a device root, and a node made with mknod there.
            PathPolicy byId = new PathPolicy(List.of(), List.of("/dev", tree.devices().toString()));
            Path link = Files.createSymbolicLink(tree.devices().resolve("usb-STICK"), Path.of(loop));
            refused(byId.checkOnNode(link, true), "in use on the node: it (");
            Mounts.DevId id = Mounts.deviceOf(Path.of(loop));
            Path node = tree.devices().resolve("sneaky");
            run("mknod", node.toString(), "b", Long.toString(id.major()), Long.toString(id.minor()));
            refused(byId.checkOnNode(node, true), "mounted at " + mnt);

            run("umount", mnt.toString());
            mounted = false;
            assertEquals(Optional.empty(), dev.checkOnNode(Path.of(loop), true), "unmounted, the same device is allowed");
        } finally {
            if (mounted) {
                run("umount", "-l", mnt.toString());
            }
            run("losetup", "-d", loop);
        }
    }

    @Test
    void rootDevice() throws IOException {
        String source = rootSource();
        assumeTrue(source != null && source.startsWith("/dev/") && Stores.isBlockDevice(Path.of(source)),
                "the root filesystem is not on a block device here (" + source + ")");
        PathPolicy dev = new PathPolicy(List.of(), List.of("/dev"));
        refused(dev.checkOnNode(Path.of(source), true), "mounted at / (");
        refused(dev.checkOnNode(Path.of(source), true), "it holds the root filesystem");
        if (isRoot()) {
            // The same disk through a node made under an allowed device root.
            Mounts.DevId id = Mounts.deviceOf(Path.of(source));
            Path node = tree.devices().resolve("root-disk");
            run("mknod", node.toString(), "b", Long.toString(id.major()), Long.toString(id.minor()));
            refused(tree.policy().checkOnNode(node, true), "it holds the root filesystem");
        }
    }

    /** Partitions, parent disks and holders, with a made-up sysfs and mount table. */
    @Test
    void partitionOrDiskOfAMountedDeviceAndHeldDevices() throws IOException {
        assumeRoot();
        Path sys = tmp.resolve("sys");
        Path vdb = Files.createDirectories(sys.resolve("devices/vdb"));
        Files.writeString(vdb.resolve("dev"), "252:16\n");
        Path vdb1 = Files.createDirectories(vdb.resolve("vdb1"));
        Files.writeString(vdb1.resolve("dev"), "252:17\n");
        Files.writeString(vdb1.resolve("partition"), "1\n");
        Path vdc = Files.createDirectories(sys.resolve("devices/vdc"));
        Files.writeString(vdc.resolve("dev"), "252:32\n");
        Files.createDirectories(vdc.resolve("holders/dm-0"));
        Path block = Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(block.resolve("252:16"), vdb);
        Files.createSymbolicLink(block.resolve("252:17"), vdb1);
        Files.createSymbolicLink(block.resolve("252:32"), vdc);
        Path mountInfo = tmp.resolve("mountinfo");
        Path swaps = Files.writeString(tmp.resolve("swaps"), "Filename Type Size Used Priority\n");
        Path disk = mknod("vdb", 252, 16);
        Path part = mknod("vdb1", 252, 17);
        Path held = mknod("vdc", 252, 32);

        Files.writeString(mountInfo, "30 1 252:17 / /boot rw,relatime shared:2 - ext4 /dev/vdb1 rw\n");
        PathPolicy p = new PathPolicy(List.of(), List.of(tree.devices().toString()), new Mounts(List.of(mountInfo), swaps, block));
        refused(p.checkOnNode(disk, true), "partition vdb1 (252:17) mounted at /boot (ext4 from /dev/vdb1)");

        Files.writeString(mountInfo, "31 1 252:16 / /data rw,relatime - xfs /dev/vdb rw\n");
        refused(p.checkOnNode(part, true), "its disk vdb (252:16) mounted at /data");

        refused(p.checkOnNode(held, true), "held by dm-0");

        Files.writeString(mountInfo, "");
        Files.writeString(swaps, "Filename Type Size Used Priority\n" + disk + " partition 1024 0 -2\n");
        refused(p.checkOnNode(part, true), "used as swap");
        Files.writeString(swaps, "Filename Type Size Used Priority\n");
        assertEquals(Optional.empty(), p.checkOnNode(part, true), "nothing uses it: allowed");
    }

    // ---- helpers ----

    private void refused(Optional<String> refusal, String expected) {
        assertTrue(refusal.isPresent(), test + ": expected a refusal containing '" + expected + "'");
        assertTrue(refusal.get().contains(expected), test + ": '" + refusal.get() + "' should contain '" + expected + "'");
        REFUSED.add(test);
    }

    private Path mknod(String name, int major, int minor) throws IOException {
        Path node = tree.devices().resolve(name);
        run("mknod", node.toString(), "b", Integer.toString(major), Integer.toString(minor));
        return node;
    }

    private static Path someBlockDevice() throws IOException {
        for (String name : List.of("loop0", "loop1", "vda", "sda", "nvme0n1", "xvda")) {
            Path p = Path.of("/dev", name);
            if (Files.exists(p) && Stores.isBlockDevice(p)) {
                return p;
            }
        }
        SKIPPED.add("no block device in /dev");
        assumeTrue(false, "no block device in /dev");
        return null;
    }

    /** The source of the mount at / from this process's mount table. */
    private static String rootSource() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals("/")) {
                int dash = List.of(f).indexOf("-");
                return dash > 0 && dash + 2 < f.length ? f[dash + 2] : null;
            }
        }
        return null;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void assumeRoot() {
        if (!isRoot()) {
            SKIPPED.add("needs root");
        }
        assumeTrue(isRoot(), "needs root (mknod, losetup, mount)");
    }

    private static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
