package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;
import dev.aoe.testing.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aoe serve --state-dir} restarted (SIGTERM, then the same command line) comes back as the
 * same target: the interface's MAC, the same shelf.slot, and the config string, mask list and
 * reservation that initiators set over the wire before the restart, all still in force.
 */
class RestartIT {
    private static final Pattern SERVING_MAC = Pattern.compile("on aoe-a \\(([0-9a-f:]{17}), MTU");
    private static final Pattern LINK_MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
    private static final int SHELF = 1;
    private static final int SLOT = 0;
    private static final String CONFIG = "restart-it config";
    /** Forged initiators: one on the mask list but not holding the reservation, one on neither. */
    private static final long MASKED_IN = MacAddress.parse("02:00:00:00:0a:01");
    private static final long OUTSIDER = MacAddress.parse("02:00:00:00:0b:02");
    private static final Duration SILENCE = Duration.ofMillis(300);

    @Veth
    VethPair veth;
    @TempDir
    Path dir;

    @Test
    void restartKeepsMacAddressConfigStringMaskAndReservation() throws Exception {
        long t0 = System.nanoTime();
        Path state = dir.resolve("state");
        String[] command = {"serve", "--state-dir", state.toString(), "--probe-ms", "100", "--create", "8M",
                "--config-string", "initial", Integer.toString(SHELF), Integer.toString(SLOT), veth.interfaceA(),
                dir.resolve("disk.img").toString()};
        Matcher link = LINK_MAC.matcher(veth.showA());
        assertTrue(link.find(), veth.showA());
        long interfaceMac = MacAddress.parse(link.group(1));

        String before;
        try (Background serve = aoe(command).inNetns(veth.namespaceA()).start();
             Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()));
             RawSocket forger = veth.inB(() -> RawSocket.open(veth.interfaceB(), Traffic.RESPONSES))) {
            assertEquals(interfaceMac, servingMac(serve), "serve must answer from the interface's MAC");
            serve.awaitStdout("serving 1 of 1 export(s)");
            TargetInfo t = initiator.find(SHELF, SLOT, Duration.ofSeconds(3));
            long me = initiator.mac();

            ByteBuffer f = ByteBuffer.allocateDirect(1514);
            AoeHeader.writeRequest(f, t.mac(), me, SHELF, SLOT, AoeHeader.CMD_CONFIG, 0);
            int n = ConfigArg.writeRequest(f, ConfigArg.CCMD_FORCE_SET, CONFIG.getBytes(StandardCharsets.US_ASCII));
            assertAnswered(initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2)), f, "config force set");

            AoeHeader.writeRequest(f, t.mac(), me, SHELF, SLOT, AoeHeader.CMD_MASK, 0);
            MaskArg.putDirective(f, 0, MaskArg.DCMD_ADD, me);
            MaskArg.putDirective(f, 1, MaskArg.DCMD_ADD, MASKED_IN);
            n = MaskArg.writeHeader(f, MaskArg.MCMD_EDIT, MaskArg.MERROR_NONE, 2);
            assertAnswered(initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2)), f, "mask edit");
            assertEquals(MaskArg.MERROR_NONE, MaskArg.merror(f), "mask edit MError");

            AoeHeader.writeRequest(f, t.mac(), me, SHELF, SLOT, AoeHeader.CMD_RESERVE, 0);
            n = ReserveArg.write(f, ReserveArg.RCMD_SET, new long[] {me}, 1);
            assertAnswered(initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2)), f, "reserve set");

            before = checkState(initiator, forger, interfaceMac, "before the restart");
            Result stopped = serve.stop(Duration.ofSeconds(10));
            assertEquals(0, stopped.exit(), stopped::describe);
        }
        assertTrue(Files.exists(state.resolve("e1.0.state")), "no e1.0.state in " + state);

        String after;
        try (Background serve = aoe(command).inNetns(veth.namespaceA()).start();
             Initiator initiator = veth.inB(() -> Initiator.open(veth.interfaceB()));
             RawSocket forger = veth.inB(() -> RawSocket.open(veth.interfaceB(), Traffic.RESPONSES))) {
            assertEquals(interfaceMac, servingMac(serve), "serve must come back with the interface's MAC");
            serve.awaitStdout("serving 1 of 1 export(s)");
            after = checkState(initiator, forger, interfaceMac, "after the restart");
            Result stopped = serve.stop(Duration.ofSeconds(10));
            assertEquals(0, stopped.exit(), stopped::describe);
        }
        assertEquals(before, after, "what initiators see changed across the restart");
        System.out.printf("RestartIT: after a restart serve came back as %s; held: %s; %.1f s%n",
                MacAddress.format(interfaceMac), after, (System.nanoTime() - t0) / 1e9);
    }

    private static long servingMac(Background serve) {
        Matcher m = SERVING_MAC.matcher(serve.awaitStdout("e1.0: serving"));
        assertTrue(m.find(), serve.stdout());
        return MacAddress.parse(m.group(1));
    }

    /**
     * Checks what the target shows to the real initiator and to forged ones; returns a summary
     * that must be the same before and after a restart.
     */
    private static String checkState(Initiator initiator, RawSocket forger, long interfaceMac, String when)
            throws Exception {
        long me = initiator.mac();
        TargetInfo t = initiator.find(SHELF, SLOT, Duration.ofSeconds(5));
        assertEquals(interfaceMac, t.mac(), when + ": config reply from another MAC");
        assertEquals("e1.0", t.name(), when);
        assertEquals(CONFIG, t.configText(), when + ": config string");

        // The mask and reserve lists, read back over the wire.
        ByteBuffer f = ByteBuffer.allocateDirect(1514);
        AoeHeader.writeRequest(f, t.mac(), me, SHELF, SLOT, AoeHeader.CMD_MASK, 0);
        int n = MaskArg.writeHeader(f, MaskArg.MCMD_READ, MaskArg.MERROR_NONE, 0);
        assertAnswered(initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2)), f, when + ": mask read");
        assertEquals(2, MaskArg.directiveCount(f), when + ": mask list length");
        assertArrayEquals(new long[] {me, MASKED_IN}, new long[] {MaskArg.mac(f, 0), MaskArg.mac(f, 1)}, when);
        AoeHeader.writeRequest(f, t.mac(), me, SHELF, SLOT, AoeHeader.CMD_RESERVE, 0);
        n = ReserveArg.write(f, ReserveArg.RCMD_READ, new long[0], 0);
        assertAnswered(initiator.exchange(f, AoeHeader.pad(f, n), Duration.ofSeconds(2)), f, when + ": reserve read");
        assertEquals(1, ReserveArg.macCount(f), when + ": reserve list length");
        assertEquals(me, ReserveArg.mac(f, 0), when + ": reservation holder");

        // The holder reads; a masked-in MAC is refused with error 6; an outsider gets silence.
        ByteBuffer sector = ByteBuffer.allocateDirect(Ata.SECTOR_SIZE);
        initiator.read(t, 0, sector);
        int outsider = forged(forger, OUTSIDER, t.mac(), AoeHeader.CMD_CONFIG);
        assertEquals(0, outsider, when + ": a MAC outside the mask list got an answer to a config query");
        int outsiderAta = forged(forger, OUTSIDER, t.mac(), AoeHeader.CMD_ATA);
        assertEquals(0, outsiderAta, when + ": a MAC outside the mask list got an answer to a READ");
        int maskedConfig = forged(forger, MASKED_IN, t.mac(), AoeHeader.CMD_CONFIG);
        assertTrue(maskedConfig > 0, when + ": a MAC on the mask list got no answer to a config query");
        int maskedAta = forged(forger, MASKED_IN, t.mac(), AoeHeader.CMD_ATA);
        assertTrue(maskedAta > 0, when + ": a MAC on the mask list but outside the reservation got no answer");
        assertTrue(AoeHeader.isError(forgedReply), when + ": READ outside the reservation was not refused");
        assertEquals(AoeHeader.ERR_TARGET_RESERVED, AoeHeader.error(forgedReply), when + ": error code");

        return "e" + t.shelf() + "." + t.slot() + " at " + MacAddress.format(t.mac()) + ", config '" + t.configText()
                + "', mask [" + MacAddress.format(me) + ", " + MacAddress.format(MASKED_IN) + "], reserved by "
                + MacAddress.format(me) + ": holder reads, masked-in " + MacAddress.format(MASKED_IN)
                + " gets E+6 on READ, outsider " + MacAddress.format(OUTSIDER) + " gets silence";
    }

    private static final ByteBuffer forgedReply = ByteBuffer.allocateDirect(9216);

    /**
     * Sends a config query or a one-sector READ from the forged MAC {@code source}; returns the
     * length of the reply addressed to it, or 0 after {@link #SILENCE}.
     */
    private static int forged(RawSocket socket, long source, long target, int command) throws Exception {
        ByteBuffer f = ByteBuffer.allocateDirect(1514);
        int tag = 0x4000_0000 | (int) (System.nanoTime() & 0xFFFFFF);
        AoeHeader.writeRequest(f, target, source, SHELF, SLOT, command, tag);
        int n;
        if (command == AoeHeader.CMD_CONFIG) {
            n = ConfigArg.writeRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        } else {
            AtaArg.writeRequest(f, AtaArg.AFLAG_EXTENDED, 0, 1, Ata.READ_SECTORS_EXT, 0);
            n = AtaArg.DATA;
        }
        socket.setReceiveTimeout(Duration.ofMillis(20));
        socket.send(f, AoeHeader.pad(f, n));
        long deadline = System.nanoTime() + SILENCE.toNanos();
        while (System.nanoTime() < deadline) {
            int got = socket.receive(forgedReply);
            if (got >= AoeHeader.LENGTH && AoeHeader.isResponse(forgedReply) && AoeHeader.tag(forgedReply) == tag
                    && AoeHeader.destination(forgedReply) == source) {
                return got;
            }
        }
        return 0;
    }

    private static void assertAnswered(int length, ByteBuffer reply, String what) {
        assertTrue(length > 0, "no answer to the " + what);
        assertFalse(AoeHeader.isError(reply), what + " refused: AoE error " + AoeHeader.error(reply));
    }
}
