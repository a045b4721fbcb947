package dev.aoe.responder;

import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateFileTest extends TargetFixture {
    @TempDir
    Path dir;

    private static final byte[] NON_ASCII = "Grüße 東京 \u0000\n=#\\".getBytes(StandardCharsets.UTF_8);

    @Test
    void fileIsNamedAfterTheAddress() {
        assertEquals(dir.resolve("e7.3.state"), StateFile.of(dir, 7, 3).path());
    }

    @Test
    void loadOfAMissingFileIsNull() throws IOException {
        assertNull(StateFile.of(dir, 1, 2).load());
    }

    @Test
    void saveThenLoadRoundTrips() throws IOException {
        StateFile file = StateFile.of(dir.resolve("nested/dir"), 7, 3);
        byte[] config = new byte[256];
        for (int i = 0; i < 256; i++) {
            config[i] = (byte) i;
        }
        file.save(new StateFile.Saved(config, new long[] {INITIATOR, OTHER}, new long[] {THIRD}));
        StateFile.Saved saved = file.load();
        assertArrayEquals(config, saved.config());
        assertArrayEquals(new long[] {INITIATOR, OTHER}, saved.mask());
        assertArrayEquals(new long[] {THIRD}, saved.reserve());
    }

    @Test
    void emptyStateRoundTrips() throws IOException {
        StateFile file = StateFile.of(dir, 0, 0);
        file.save(new StateFile.Saved(new byte[0], new long[0], new long[0]));
        StateFile.Saved saved = file.load();
        assertEquals(0, saved.config().length);
        assertEquals(0, saved.mask().length);
        assertEquals(0, saved.reserve().length);
    }

    @Test
    void atomicReplaceLeavesNoTemporaryFileBehind() throws IOException {
        StateFile file = StateFile.of(dir, 7, 3);
        for (int i = 0; i < 3; i++) {
            file.save(new StateFile.Saved(new byte[] {(byte) i}, new long[0], new long[0]));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(file.path()), files.toList());
        }
        assertArrayEquals(new byte[] {2}, file.load().config());
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        StateFile file = StateFile.of(dir, 7, 3);
        file.save(new StateFile.Saved(new byte[0], new long[0], new long[0]));
        file.delete();
        assertFalse(Files.exists(file.path()));
        file.delete();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "config=!!!not base64!!!\n",
            "config=\nmask=not-a-mac\n",
            "config=\nreserve=52:54:00:12:34\n",
            "config=\\uZZZZ\n",
    })
    void corruptFileIsAnIOExceptionNamingThePath(String text) throws IOException {
        StateFile file = StateFile.of(dir, 7, 3);
        Files.writeString(file.path(), text);
        IOException e = assertThrows(IOException.class, file::load);
        assertTrue(e.getMessage().contains(file.path().toString()), e.getMessage());
    }

    @Test
    void undecodableBytesAreAnIOExceptionNamingThePath() throws IOException {
        StateFile file = StateFile.of(dir, 7, 3);
        Files.write(file.path(), new byte[] {'c', 'o', 'n', 'f', 'i', 'g', '=', (byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        IOException e = assertThrows(IOException.class, file::load);
        assertTrue(e.getMessage().contains(file.path().toString()), e.getMessage());
    }

    @Test
    void stateEditedOverTheWireSurvivesARestart() throws IOException {
        StateFile file = StateFile.of(dir, SHELF, SLOT);
        state = TargetState.load(file, "initial".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("initial".getBytes(StandardCharsets.US_ASCII), state.config());
        target = newTarget(new long[0]);

        ByteBuffer f = frame();
        deliver(f, configRequest(f, ConfigArg.CCMD_FORCE_SET, NON_ASCII));
        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR, MaskArg.DCMD_ADD, OTHER));
        deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET, INITIATOR));

        // "restart": a new state from the same file, the initial config no longer applies
        TargetState restarted = TargetState.load(file, "initial".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(NON_ASCII, restarted.config());
        assertArrayEquals(new long[] {INITIATOR, OTHER}, restarted.mask());
        assertArrayEquals(new long[] {INITIATOR}, restarted.reserve());
        assertFalse(restarted.maskAllows(THIRD));
        assertFalse(restarted.reservationAllows(OTHER));
        assertTrue(restarted.reservationAllows(INITIATOR));
    }

    @Test
    void editsThatChangeNothingSaveNothingAndARealEditStillPersists() throws IOException {
        StateFile file = StateFile.of(dir, SHELF, SLOT);
        state = TargetState.load(file, "initial".getBytes(StandardCharsets.US_ASCII));
        target = newTarget(new long[0]);
        ByteBuffer f = frame();
        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR));
        deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET, INITIATOR));
        assertEquals(2, file.saves());
        long modified = Files.getLastModifiedTime(file.path()).toMillis();
        Object inode = Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey();

        for (int i = 0; i < 100; i++) {
            deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, INITIATOR,
                    MaskArg.DCMD_DELETE, THIRD, MaskArg.DCMD_NONE, OTHER));
            deliver(f, configRequest(f, ConfigArg.CCMD_FORCE_SET, "initial".getBytes(StandardCharsets.US_ASCII)));
            deliver(f, configRequest(f, ConfigArg.CCMD_SET, "initial".getBytes(StandardCharsets.US_ASCII)));
            deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_SET, INITIATOR));
            deliver(f, reserveRequest(f, INITIATOR, ReserveArg.RCMD_FORCE_SET, INITIATOR));
        }
        assertEquals(2, file.saves(), "no-op edits replace no file");
        assertEquals(inode, Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey());
        assertEquals(modified, Files.getLastModifiedTime(file.path()).toMillis());

        deliver(f, maskRequest(f, INITIATOR, MaskArg.MCMD_EDIT, MaskArg.DCMD_ADD, OTHER));
        assertEquals(3, file.saves());
        TargetState restarted = TargetState.load(file, new byte[0]);
        assertArrayEquals(new long[] {INITIATOR, OTHER}, restarted.mask());
        assertArrayEquals(new long[] {INITIATOR}, restarted.reserve());
        assertArrayEquals("initial".getBytes(StandardCharsets.US_ASCII), restarted.config());
    }

    @Test
    void inMemoryStateCopiesItsInitialConfig() {
        byte[] initial = {1, 2, 3};
        TargetState s = TargetState.inMemory(initial);
        initial[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, s.config());
    }

    @Test
    void setConfigIfAbsentRules() {
        TargetState s = TargetState.inMemory(new byte[0]);
        assertTrue(s.setConfigIfAbsent(new byte[] {1}));
        assertTrue(s.setConfigIfAbsent(new byte[] {1}), "same string");
        assertFalse(s.setConfigIfAbsent(new byte[] {2}));
        assertArrayEquals(new byte[] {1}, s.config());
    }

    @Test
    void setReserveIfHolderRules() {
        TargetState s = TargetState.inMemory(new byte[0]);
        assertTrue(s.setReserveIfHolder(INITIATOR, new long[] {INITIATOR}));
        assertFalse(s.setReserveIfHolder(OTHER, new long[] {OTHER}));
        assertTrue(s.setReserveIfHolder(INITIATOR, new long[0]));
        assertTrue(s.reservationAllows(OTHER));
    }

    @Test
    void saveFailureNamesTheFile() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        TargetState s = TargetState.load(StateFile.of(blocker, 1, 1), new byte[0]);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> s.setConfig(new byte[] {1}));
        assertTrue(e.getMessage().contains("not-a-dir"), e.getMessage());
    }
}
