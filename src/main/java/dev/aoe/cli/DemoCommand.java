package dev.aoe.cli;

import dev.aoe.engine.Engine;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.initiator.Identity;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.Ip;
import dev.aoe.net.VethPair;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.Sizes;
import dev.aoe.store.StoreSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Serve a sparse file on a private veth link and use it: discover, identify, write, verify.",
                "Needs no cluster and no spare NIC: it runs in a network namespace of its own",
                "(through a user namespace when not root), with the built-in initiator."})
public class DemoCommand implements Callable<Integer> {
    /** Set in the re-executed process, which already runs in the private network namespace. */
    static final String INSIDE = "AOE_DEMO_INSIDE";
    private static final String TARGET_LINK = "aoe-demo0";
    private static final String INITIATOR_LINK = "aoe-demo1";
    private static final int SHELF = 1;
    private static final int SLOT = 0;
    private static final long WRITE_LBA = 2048;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64M", description = "Size of the demo disk (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500", description = "MTU of the veth link; 9000 shows jumbo frames (default: ${DEFAULT-VALUE}).")
    int mtu;

    @Option(names = "--io", paramLabel = "SIZE", defaultValue = "4M", description = "How much to write and read back (default: ${DEFAULT-VALUE}).")
    String ioSize;

    @Override
    public Integer call() throws Exception {
        if (System.getenv(INSIDE) == null) {
            return inPrivateNamespace();
        }
        long diskBytes;
        int ioBytes;
        try {
            diskBytes = Sizes.parse(size);
            ioBytes = Math.toIntExact(Sizes.parse(ioSize));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Cli.fail("demo", e.getMessage());
        }
        if (ioBytes % 512 != 0 || WRITE_LBA * 512 + ioBytes > diskBytes) {
            return Cli.fail("demo", "--io must be whole sectors and fit the disk after sector " + WRITE_LBA);
        }
        step("link: veth " + TARGET_LINK + " <-> " + INITIATOR_LINK + " (MTU " + mtu + ") in a private network namespace");
        Ip.run("link", "set", "lo", "up");
        Path dir = Files.createTempDirectory("aoe-demo");
        try (VethPair link = VethPair.here(TARGET_LINK, INITIATOR_LINK, mtu);
             Engine engine = new Engine(dir.resolve("state"), EngineOptions.hostName(), Duration.ofMillis(200))) {
            Path disk = dir.resolve("disk.img");
            ExportSpec spec = new ExportSpec(SHELF, SLOT, TARGET_LINK, StoreSpec.of(disk).withCreateSize(diskBytes),
                    ExportSpec.DEFAULT_BUFFER_COUNT, new long[0], "aoe-operator demo".getBytes(StandardCharsets.UTF_8));
            step("target: sparse file " + disk);
            ExportStatus status = engine.add(spec);
            System.out.println(Cli.describe(status, spec));
            try (Initiator initiator = Initiator.open(INITIATOR_LINK)) {
                exercise(initiator, ioBytes);
            }
        } finally {
            Cli.deleteTree(dir);
        }
        step("demo OK: the engine served e" + SHELF + "." + SLOT + " and every byte read back as written");
        return 0;
    }

    private void exercise(Initiator initiator, int ioBytes) throws IOException, NoSuchAlgorithmException {
        step("discover: broadcast Query Config on " + INITIATOR_LINK + " (" + MacAddress.format(initiator.mac()) + ")");
        List<TargetInfo> found = initiator.discover(Duration.ofMillis(500));
        List<String[]> rows = new ArrayList<>();
        for (TargetInfo t : found) {
            rows.add(new String[] {t.name(), INITIATOR_LINK, MacAddress.format(t.mac()), "-", String.valueOf(t.bufferCount()),
                    String.valueOf(t.sectorsPerFrame()), t.configText()});
        }
        DiscoverCommand.print(System.out, rows);
        TargetInfo target = found.stream().filter(t -> t.shelf() == SHELF && t.slot() == SLOT).findFirst()
                .orElseThrow(() -> new IOException("e" + SHELF + "." + SLOT + " did not answer discovery"));

        step("identify: ATA IDENTIFY DEVICE");
        Identity id = initiator.identify(target);
        System.out.printf(Locale.ROOT, "model '%s', serial '%s', firmware '%s', %d sectors (%s), LBA48 %s%n",
                id.model(), id.serial(), id.firmware(), id.sectors(), Sizes.format(id.bytes()), id.lba48() ? "yes" : "no");

        step("write " + Sizes.format(ioBytes) + " of random data at sector " + WRITE_LBA + ", then read it back");
        ByteBuffer out = ByteBuffer.allocateDirect(ioBytes);
        byte[] random = new byte[ioBytes];
        new Random().nextBytes(random);
        out.put(random).flip();
        long t0 = System.nanoTime();
        initiator.write(target, WRITE_LBA, out);
        long t1 = System.nanoTime();
        ByteBuffer in = ByteBuffer.allocateDirect(ioBytes);
        initiator.read(target, WRITE_LBA, in);
        long t2 = System.nanoTime();
        in.flip();
        byte[] back = new byte[ioBytes];
        in.get(back);
        String written = sha256(random);
        String read = sha256(back);
        System.out.printf(Locale.ROOT, "write: %.1f MiB/s (durable), read: %.1f MiB/s, %d-sector frames%n",
                mibPerSecond(ioBytes, t1 - t0), mibPerSecond(ioBytes, t2 - t1),
                Math.min(target.sectorsPerFrame(), initiator.localSectorsPerFrame()));
        System.out.println("sha256 written " + written);
        System.out.println("sha256 read    " + read);
        if (!written.equals(read)) {
            throw new IOException("the data read back differs from the data written");
        }
    }

    /** Runs this same command again inside new network (and, unless root, user) namespaces. */
    private int inPrivateNamespace() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("unshare", "--net"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            command.addAll(List.of("--user", "--map-root-user"));
        }
        ProcessHandle.Info self = ProcessHandle.current().info();
        command.add(self.command().orElseThrow(() -> new IOException("cannot tell how this program was started")));
        command.addAll(List.of(self.arguments().orElse(new String[0])));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put(INSIDE, "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return Cli.fail("demo", "cannot run unshare (util-linux): " + e.getMessage());
        }
        int status = p.waitFor();
        if (status != 0 && !root) {
            System.err.println("aoe demo: hint: if unshare said 'Operation not permitted', this kernel does not let "
                    + "ordinary users create user namespaces; run the demo as root (sudo bin/aoe demo).");
        }
        return status;
    }

    private static void step(String text) {
        System.out.println("==> " + text);
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
