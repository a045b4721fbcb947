package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.ata.Ata;
import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.net.RawSocket;
import dev.aoe.net.Traffic;
import dev.aoe.net.VethPair;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Crash consistency of {@code aoe serve}: a writer in namespace B sends raw ATA WRITEs of
 * self-describing sectors (LBA, sequence number, run id, CRC32) and records every acknowledgement;
 * the serve process in namespace A is killed with SIGKILL mid-load, started again on the same
 * file and state directory, and every acknowledged sector must read back as written.
 *
 * <p>A SIGKILL leaves the host's page cache alone, so it cannot prove durability by itself: the
 * syscall-level test runs the engine under strace and checks that each acknowledgement was sent
 * only after an {@code fdatasync} that began after the write's {@code pwrite64} returned.
 */
class CrashConsistencyIT {
    private static final Pattern MAC = Pattern.compile("on aoe-a \\(([0-9a-f:]{17}), MTU");
    private static final int SHELF = 1;
    private static final int SLOT = 0;
    /** Two sectors per WRITE frame (what MTU 1500 carries), the advertised buffer count outstanding. */
    private static final int SECTORS_PER_FRAME = 2;
    private static final int WINDOW = 16;
    /** Sparse; room for what a fast machine writes in the 3 s of load, so writes are still in flight at the kill. */
    private static final int DISK_MIB = 256;

    /** The writer sends 2-sector frames; the read-back uses 17. */
    @Veth(mtu = 9000)
    VethPair veth;
    @TempDir
    Path dir;

    private String[] serveCommand(String... extra) {
        List<String> c = new ArrayList<>(List.of("serve", "--state-dir", dir.resolve("state").toString(),
                "--probe-ms", "0", "--create", DISK_MIB + "M"));
        c.addAll(List.of(extra));
        c.addAll(List.of(Integer.toString(SHELF), Integer.toString(SLOT), veth.interfaceA(),
                dir.resolve("disk.img").toString()));
        return c.toArray(String[]::new);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKill9WithTheWriteCacheOff() throws Exception {
        long t0 = System.nanoTime();
        CrashRun run = writeThenKill(serveCommand(), "write cache off", 1000 + ThreadLocalRandom.current().nextLong(2001),
                Writer.framesThatFit((long) DISK_MIB << 20));
        Verification v = restartAndVerify(run);
        System.out.printf("CrashConsistencyIT write-through: kill -9 after %d ms of load; writes acknowledged %d,"
                        + " verified %d, lost %d; in flight at the kill %d (%d landed whole, %d not at all, 0 torn);"
                        + " %.1f s%n", run.loadMillis, run.writer.acknowledged(), v.verified, v.lost, v.inFlight,
                v.inFlightLanded, v.inFlight - v.inFlightLanded, (System.nanoTime() - t0) / 1e9);
        assertEquals(0, v.lost, "acknowledged writes lost after kill -9 and a restart: " + v.firstLoss);
        assertTrue(run.writer.acknowledged() > 0, "the writer got no acknowledgement at all");
    }

    @Test
    void writeBackAcknowledgesFromThePageCacheAndSaysSo() throws Exception {
        long t0 = System.nanoTime();
        // Page-cache writes are fast: a shorter load, and at most 8000 frames, keep the read-back short.
        CrashRun run = writeThenKill(serveCommand("--write-back"), "write cache write-back",
                500 + ThreadLocalRandom.current().nextLong(501), 8000);
        Verification v = restartAndVerify(run);
        assertEquals(0, v.lost, "acknowledged writes lost after kill -9 in write-back mode: " + v.firstLoss);
        // kill -9 leaves the page cache, so everything reads back; a host crash or power loss would
        // lose what was acknowledged after the last FLUSH CACHE, and nothing here can prove that.
        System.out.printf("CrashConsistencyIT write-back: serve says 'write cache write-back'; writes acknowledged %d,"
                        + " read back after kill -9 %d, lost %d (the page cache outlives the process; a host crash"
                        + " or power loss loses writes acknowledged since the last FLUSH CACHE: not provable"
                        + " with kill -9); %.1f s%n", run.writer.acknowledged(), v.verified, v.lost,
                (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void eachAcknowledgementFollowsAnFdatasyncThatFollowsItsWrite() throws Exception {
        long t0 = System.nanoTime();
        Path trace = dir.resolve("strace.out");
        Path straceErr = dir.resolve("strace.err");
        try (Background serve = aoe(serveCommand()).inNetns(veth.namespaceA()).start()) {
            String line = serve.awaitStdout("e1.0: serving");
            assertTrue(line.contains("write cache off"), line);
            long targetMac = mac(line);
            long pid = serve.pid();
            List<Integer> imageFds = fdsOf(pid, dir.resolve("disk.img"));
            Process strace = new ProcessBuilder("strace", "-f", "-xx", "-s", "48",
                    "-e", "trace=pwrite64,fdatasync,sendto,sendmmsg", "-o", trace.toString(), "-p", Long.toString(pid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(straceErr.toFile()).start();
            Writer writer;
            try {
                awaitAttached(strace, straceErr, pid);
                writer = new Writer(veth.inB(() -> RawSocket.open(veth.interfaceB(), Traffic.RESPONSES)), targetMac,
                        ThreadLocalRandom.current().nextLong());
                writer.runFor(Duration.ofMillis(1500));
            } finally {
                strace.destroy(); // SIGTERM: strace detaches and the engine runs on
                if (!strace.waitFor(10, TimeUnit.SECONDS)) {
                    strace.destroyForcibly().waitFor();
                }
            }
            Result stopped = serve.stop(Duration.ofSeconds(10));
            assertEquals(0, stopped.exit(), stopped::describe);

            Trace t = Trace.parse(Files.readAllLines(trace, StandardCharsets.ISO_8859_1));
            // The store holds the image open more than once (its checked source descriptor, the
            // data channel): the data's is the one written through.
            int imageFd = t.mostWritten(imageFds);
            int checked = 0;
            List<String> violations = new ArrayList<>();
            for (int seq = writer.acked.nextSetBit(0); seq >= 0; seq = writer.acked.nextSetBit(seq + 1)) {
                Call ack = t.ackOf(seq);
                if (ack == null) {
                    violations.add("seq " + seq + ": no reply send in the trace");
                    continue;
                }
                long offset = writer.lba(seq) * Ata.SECTOR_SIZE;
                Call write = t.firstWrite(imageFd, offset);
                if (write == null) {
                    violations.add("seq " + seq + ": acknowledged, but no pwrite64 at byte " + offset + " before it");
                } else if (write.end > ack.start) {
                    violations.add("seq " + seq + ": acknowledged (line " + ack.start + ") before its pwrite64 returned"
                            + " (line " + write.end + ")");
                } else if (!t.syncBetween(imageFd, write.end, ack.start)) {
                    violations.add("seq " + seq + ": no fdatasync between its pwrite64 (line " + write.end
                            + ") and its acknowledgement (line " + ack.start + ")");
                }
                checked++;
            }
            long syncs = t.calls.stream().filter(c -> c.name.equals("fdatasync") && c.fd == imageFd).count();
            System.out.printf("CrashConsistencyIT strace: %d acknowledged writes traced, %d acknowledged only after an"
                            + " fdatasync that began after their pwrite64 returned, %d violations; %d fdatasyncs"
                            + " (%.1f writes per flush, group commit); %.1f s%n", checked, checked - violations.size(),
                    violations.size(), syncs, syncs == 0 ? 0.0 : checked / (double) syncs,
                    (System.nanoTime() - t0) / 1e9);
            assertTrue(checked > 0, "no acknowledged write to check");
            assertTrue(syncs > 0, "no fdatasync on the image's fd " + imageFd + " in the trace");
            assertTrue(violations.isEmpty(), violations.size() + " acknowledgements not preceded by a flush, e.g. "
                    + violations.subList(0, Math.min(5, violations.size())));
        }
    }

    // ------------------------------------------------------------------------------ crash run

    private record CrashRun(Writer writer, long loadMillis, String[] command) {
    }

    private record Verification(int verified, int lost, int inFlight, int inFlightLanded, String firstLoss) {
    }

    /** Serves, writes from B for {@code loadMillis}, then SIGKILLs the serve process by PID. */
    private CrashRun writeThenKill(String[] command, String cacheMode, long loadMillis, int maxFrames)
            throws Exception {
        try (Background serve = aoe(command).inNetns(veth.namespaceA()).start()) {
            String line = serve.awaitStdout("e1.0: serving");
            assertTrue(line.contains(cacheMode), "serve does not say '" + cacheMode + "': " + line);
            Writer writer = new Writer(veth.inB(() -> RawSocket.open(veth.interfaceB(), Traffic.RESPONSES)), mac(line),
                    ThreadLocalRandom.current().nextLong());
            writer.maxFrames = maxFrames;
            Thread thread = new Thread(() -> writer.runFor(Duration.ofSeconds(30)), "crash-writer");
            thread.start();
            Thread.sleep(loadMillis);
            ProcessHandle process = ProcessHandle.of(serve.pid()).orElseThrow();
            assertTrue(process.destroyForcibly(), "could not SIGKILL serve (pid " + serve.pid() + ")");
            Result killed = serve.stop(Duration.ofSeconds(10));
            assertEquals(137, killed.exit(), "serve should have died of SIGKILL\n" + killed.describe());
            writer.stop();
            thread.join(10_000);
            assertFalse(thread.isAlive(), "the writer did not stop");
            if (writer.failure != null) {
                throw new AssertionError("the writer failed", writer.failure);
            }
            return new CrashRun(writer, loadMillis, command);
        }
    }

    /** Starts serve again on the same file and state directory and checks what the writer sent. */
    private Verification restartAndVerify(CrashRun run) throws Exception {
        Writer w = run.writer;
        try (Background serve = aoe(run.command).inNetns(veth.namespaceA()).start()) {
            String line = serve.awaitStdout("e1.0: serving");
            assertFalse(line.contains("created"), "the restart must reuse the image: " + line);
            int frames = w.sent;
            ByteBuffer data = ByteBuffer.allocateDirect(frames * SECTORS_PER_FRAME * Ata.SECTOR_SIZE);
            try (Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()))) {
                TargetInfo t = initiator.find(SHELF, SLOT, Duration.ofSeconds(5));
                initiator.read(t, w.lba(0), data);
            }
            int verified = 0;
            int lost = 0;
            int inFlight = 0;
            int landed = 0;
            String firstLoss = null;
            byte[] got = new byte[SECTORS_PER_FRAME * Ata.SECTOR_SIZE];
            for (int seq = 0; seq < frames; seq++) {
                data.get(seq * got.length, got);
                byte[] expected = w.payload(seq);
                boolean same = Arrays.equals(got, expected);
                if (w.acked.get(seq)) {
                    if (same) {
                        verified++;
                    } else {
                        lost++;
                        firstLoss = firstLoss != null ? firstLoss : "seq " + seq + " at LBA " + w.lba(seq) + ": "
                                + describe(got);
                    }
                } else {
                    inFlight++;
                    if (same) {
                        landed++;
                    } else {
                        assertTrue(isZero(got), "unacknowledged seq " + seq + " at LBA " + w.lba(seq)
                                + " is neither the old zeros nor the data sent, but " + describe(got));
                    }
                }
            }
            Result stopped = serve.stop(Duration.ofSeconds(10));
            assertEquals(0, stopped.exit(), stopped::describe);
            return new Verification(verified, lost, inFlight, landed, firstLoss);
        }
    }

    private static String describe(byte[] sectors) {
        ByteBuffer b = ByteBuffer.wrap(sectors);
        CRC32 crc = new CRC32();
        crc.update(sectors, 0, Ata.SECTOR_SIZE - 4);
        return isZero(sectors) ? "zeros" : "lba " + b.getLong(0) + " seq " + b.getLong(8) + " crc "
                + ((int) crc.getValue() == b.getInt(Ata.SECTOR_SIZE - 4) ? "ok" : "BAD");
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long mac(String servingLine) {
        Matcher m = MAC.matcher(servingLine);
        assertTrue(m.find(), servingLine);
        return MacAddress.parse(m.group(1));
    }

    /** The file descriptors through which process {@code pid} has {@code file} open. */
    private static List<Integer> fdsOf(long pid, Path file) throws IOException {
        Path real = file.toRealPath();
        List<Integer> found = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        found.add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        if (found.isEmpty()) {
            throw new AssertionError("process " + pid + " does not have " + real + " open");
        }
        return found;
    }

    private static void awaitAttached(Process strace, Path err, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(err) ? Files.readString(err) : "";
            if (text.contains("Process " + pid + " attached")) {
                Thread.sleep(200);
                return;
            }
            if (!strace.isAlive()) {
                throw new AssertionError("strace exited (" + strace.exitValue() + "): " + text);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("strace did not attach to " + pid + " within 15 s: " + Files.readString(err));
    }

    // --------------------------------------------------------------------------------- writer

    /**
     * A lean AoE writer on a raw socket: frame {@code seq} writes two self-describing sectors at
     * LBA {@code 2048 + 2 * seq}, tag {@code seq}, at most {@link #WINDOW} outstanding, resent
     * after 500 ms without a reply. A frame counts as acknowledged when a reply without AoE or
     * ATA error arrives for its tag.
     */
    static final class Writer {
        private static final long FIRST_LBA = 2048;
        private static final long RESEND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

        private final RawSocket socket;
        private final long targetMac;
        private final long mac;
        private final long runId;
        private final ByteBuffer tx = ByteBuffer.allocateDirect(1514);
        private final ByteBuffer rx = ByteBuffer.allocateDirect(9216);
        final BitSet acked = new BitSet();
        /** The writer sends no more frames than this, then only waits for replies. */
        int maxFrames = Integer.MAX_VALUE;
        /** Frames sent so far: sequence numbers 0 to sent - 1. */
        volatile int sent;
        private volatile boolean stop;
        volatile Throwable failure;

        Writer(RawSocket socket, long targetMac, long runId) {
            this.socket = socket;
            this.targetMac = targetMac;
            this.mac = MacAddress.of(socket.mac());
            this.runId = runId;
            socket.setReceiveTimeout(Duration.ofMillis(5));
        }

        long lba(int seq) {
            return FIRST_LBA + (long) seq * SECTORS_PER_FRAME;
        }

        /** The frames a disk of {@code diskBytes} takes before the writer would run past its end. */
        static int framesThatFit(long diskBytes) {
            return (int) ((diskBytes / Ata.SECTOR_SIZE - FIRST_LBA) / SECTORS_PER_FRAME);
        }

        int acknowledged() {
            synchronized (acked) {
                return acked.cardinality();
            }
        }

        /** The two sectors of frame {@code seq}: LBA, seq, run id, random filler, CRC32. */
        byte[] payload(int seq) {
            byte[] data = new byte[SECTORS_PER_FRAME * Ata.SECTOR_SIZE];
            Random random = new Random(runId ^ (seq * 0x9E3779B97F4A7C15L));
            for (int s = 0; s < SECTORS_PER_FRAME; s++) {
                ByteBuffer sector = ByteBuffer.wrap(data, s * Ata.SECTOR_SIZE, Ata.SECTOR_SIZE).slice();
                byte[] filler = new byte[Ata.SECTOR_SIZE - 28];
                random.nextBytes(filler);
                sector.putLong(lba(seq) + s).putLong(seq).putLong(runId).put(filler);
                CRC32 crc = new CRC32();
                crc.update(data, s * Ata.SECTOR_SIZE, Ata.SECTOR_SIZE - 4);
                sector.putInt((int) crc.getValue());
            }
            return data;
        }

        void stop() {
            stop = true;
        }

        /** Writes until {@link #stop()} or {@code limit}; then closes the socket. */
        void runFor(Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            Map<Integer, Long> outstanding = new HashMap<>();
            try {
                while (!stop && System.nanoTime() < deadline) {
                    while (outstanding.size() < WINDOW && sent < maxFrames) {
                        int seq = sent;
                        send(seq);
                        outstanding.put(seq, System.nanoTime());
                        sent = seq + 1;
                    }
                    int n = socket.receive(rx);
                    if (n >= AtaArg.DATA && AoeHeader.isResponse(rx) && AoeHeader.command(rx) == AoeHeader.CMD_ATA
                            && AoeHeader.source(rx) == targetMac) {
                        int seq = AoeHeader.tag(rx);
                        if (outstanding.remove(seq) != null) {
                            if (AoeHeader.isError(rx) || (AtaArg.status(rx) & Ata.STATUS_ERR) != 0) {
                                throw new IOException("WRITE seq " + seq + " failed: AoE error " + AoeHeader.error(rx)
                                        + ", ATA status " + AtaArg.status(rx));
                            }
                            synchronized (acked) {
                                acked.set(seq);
                            }
                        }
                    }
                    long now = System.nanoTime();
                    for (Map.Entry<Integer, Long> e : outstanding.entrySet()) {
                        if (now - e.getValue() > RESEND_NANOS) {
                            send(e.getKey());
                            e.setValue(now);
                        }
                    }
                }
            } catch (Throwable e) {
                if (!stop) {
                    failure = e;
                }
            } finally {
                socket.close();
            }
        }

        private void send(int seq) throws IOException {
            AoeHeader.writeRequest(tx, targetMac, mac, SHELF, SLOT, AoeHeader.CMD_ATA, seq);
            AtaArg.writeRequest(tx, AtaArg.AFLAG_EXTENDED | AtaArg.AFLAG_WRITE, 0, SECTORS_PER_FRAME,
                    Ata.WRITE_SECTORS_EXT, lba(seq));
            tx.put(AtaArg.DATA, payload(seq));
            socket.send(tx, AtaArg.DATA + SECTORS_PER_FRAME * Ata.SECTOR_SIZE);
        }
    }

    // ---------------------------------------------------------------------------------- strace

    /** One traced system call: first and last line of its record in the trace (equal when whole). */
    static final class Call {
        final String name;
        int start;
        int end;
        int fd = -1;
        long offset = -1;
        long result = Long.MIN_VALUE;
        /** The buffers the call passed: one for pwrite64 and sendto, one per message for sendmmsg. */
        final List<byte[]> buffers = new ArrayList<>();

        Call(String name, int start) {
            this.name = name;
            this.start = start;
            this.end = start;
        }
    }

    /**
     * An {@code strace -f -xx -o} trace, in the order strace saw the events. A call another
     * thread interrupted is split into {@code <unfinished ...>} and {@code <... resumed>}; its
     * entry is the first line and its return the second. A thread stopped at a syscall's exit
     * cannot run on until strace has logged it, so what one thread does after another's call
     * returned (through a lock, a queue) is always logged after that return.
     */
    static final class Trace {
        private static final Pattern START = Pattern.compile("^(\\d+)\\s+(\\w+)\\((.*)$");
        private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. (\\w+) resumed>(.*)$");
        private static final Pattern RESULT = Pattern.compile("\\)\\s+=\\s+(-?\\d+)");
        private static final Pattern PWRITE = Pattern.compile("^(\\d+), \"[^\"]*\"(?:\\.\\.\\.)?, (\\d+), (\\d+)");
        private static final Pattern FIRST_INT = Pattern.compile("^(\\d+)");
        private static final Pattern STRING = Pattern.compile("\"([^\"]*)\"");

        final List<Call> calls = new ArrayList<>();
        private final Map<Integer, Call> acks = new HashMap<>();
        private final Map<Long, Call> firstWrites = new HashMap<>();

        static Trace parse(List<String> lines) {
            Trace t = new Trace();
            Map<String, Call> open = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher resumed = RESUMED.matcher(line);
                if (resumed.find()) {
                    Call c = open.remove(resumed.group(1));
                    if (c != null) {
                        c.end = i;
                        // strace prints some calls' buffers on return (sendmmsg among them).
                        Matcher s = STRING.matcher(resumed.group(3));
                        while (s.find()) {
                            c.buffers.add(unhex(s.group(1)));
                        }
                        result(c, resumed.group(3));
                    }
                    continue;
                }
                Matcher m = START.matcher(line);
                if (!m.find()) {
                    continue; // +++ exited +++, --- SIG... ---, attach messages
                }
                Call c = new Call(m.group(2), i);
                String args = m.group(3);
                Matcher fd = FIRST_INT.matcher(args);
                if (fd.find()) {
                    c.fd = Integer.parseInt(fd.group(1));
                }
                Matcher s = STRING.matcher(args);
                while (s.find()) {
                    c.buffers.add(unhex(s.group(1)));
                }
                if (c.name.equals("pwrite64")) {
                    Matcher p = PWRITE.matcher(args);
                    if (p.find()) {
                        c.offset = Long.parseLong(p.group(3));
                    }
                }
                if (args.endsWith("<unfinished ...>")) {
                    open.put(m.group(1), c);
                } else {
                    result(c, args);
                }
                t.calls.add(c);
            }
            for (Call c : t.calls) {
                if (c.result < 0) {
                    continue;
                }
                if (c.name.equals("sendto") || c.name.equals("sendmmsg")) {
                    // sendmmsg returns how many of its messages went out: the first ones.
                    long sent = c.name.equals("sendto") ? Math.min(1, c.buffers.size()) : c.result;
                    for (int i = 0; i < sent && i < c.buffers.size(); i++) {
                        t.recordAck(c, c.buffers.get(i));
                    }
                } else if (c.name.equals("pwrite64")) {
                    t.firstWrites.merge(((long) c.fd << 40) ^ c.offset, c, (a, b) -> a.end <= b.end ? a : b);
                }
            }
            return t;
        }

        private void recordAck(Call c, byte[] frame) {
            if (frame.length < AoeHeader.TAG + 4) {
                return;
            }
            ByteBuffer f = ByteBuffer.wrap(frame);
            if ((f.get(AoeHeader.VERSION_FLAGS) & AoeHeader.FLAG_RESPONSE) != 0
                    && f.get(AoeHeader.COMMAND) == AoeHeader.CMD_ATA) {
                acks.putIfAbsent(f.getInt(AoeHeader.TAG), c);
            }
        }

        private static void result(Call c, String rest) {
            Matcher r = RESULT.matcher(rest);
            if (r.find()) {
                c.result = Long.parseLong(r.group(1));
            }
        }

        private static byte[] unhex(String s) {
            byte[] out = new byte[s.length() / 4];
            int n = 0;
            for (int i = 0; i + 3 < s.length() + 0 && s.startsWith("\\x", i); i += 4) {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 2, i + 4), 16);
            }
            return Arrays.copyOf(out, n);
        }

        /** The first successful reply send (sendto or sendmmsg) that carries tag {@code seq}. */
        Call ackOf(int seq) {
            return acks.get(seq);
        }

        /** The pwrite64 at {@code offset} on {@code fd} that returned first. */
        /** Of {@code fds}, the one with the most pwrite64 calls in the trace. */
        int mostWritten(List<Integer> fds) {
            return fds.stream().max(Comparator.comparingLong(
                    fd -> calls.stream().filter(c -> c.name.equals("pwrite64") && c.fd == fd).count())).orElseThrow();
        }

        Call firstWrite(int fd, long offset) {
            return firstWrites.get(((long) fd << 40) ^ offset);
        }

        /** Whether a successful fdatasync on {@code fd} was entered after line {@code after} and returned before {@code before}. */
        boolean syncBetween(int fd, int after, int before) {
            for (Call c : calls) {
                if (c.name.equals("fdatasync") && c.fd == fd && c.result == 0 && c.start > after && c.end < before) {
                    return true;
                }
            }
            return false;
        }
    }
}
