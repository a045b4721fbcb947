package dev.aoe.responder;

import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TargetConfigTest extends TargetFixture {
    private static byte[] s(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void storeConfig(String text) {
        state.setConfig(s(text));
    }

    private static void assertConfigReply(ByteBuffer f, int n, int ccmd, byte[] string) {
        assertReplyHeader(f, INITIATOR);
        assertEquals(Math.max(60, 32 + string.length), n);
        assertEquals(0x10 | ccmd, f.get(ConfigArg.VERSION_CCMD) & 0xFF, "byte 29 = 0x10 | ccmd");
        assertEquals(BUFFER_COUNT, ConfigArg.bufferCount(f));
        assertEquals(string.length, ConfigArg.stringLength(f));
        assertArrayEquals(string, bytes(f, ConfigArg.STRING, string.length));
    }

    @Test
    void readRepliesWithCurrentStringAndParameters() {
        storeConfig("pool-a");
        ByteBuffer f = dirtyFrame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_READ, new byte[0]));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_READ, s("pool-a"));
        assertEquals(2, ConfigArg.sectorCount(f));
        assertEquals(ConfigCommand.FIRMWARE_VERSION, ConfigArg.firmware(f));
        for (int i = 32 + 6; i < 60; i++) {
            assertEquals(0, f.get(i), "padding byte " + i);
        }
    }

    @Test
    void readIgnoresAoepingsFillerString() {
        storeConfig("x");
        ByteBuffer f = frame();
        byte[] filler = new byte[1024];
        Arrays.fill(filler, (byte) 0xED);
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_READ, filler));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_READ, s("x"));
        assertArrayEquals(s("x"), state.config(), "read never changes the string");
    }

    @Test
    void readIgnoresABogusLengthBeyondTheFrame() {
        ByteBuffer f = frame();
        int n = configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        f.putShort(ConfigArg.STRING_LENGTH, (short) 5000);
        n = deliver(f, n);
        assertOk(f);
        assertEquals(0, ConfigArg.stringLength(f));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void requestVersionNibbleIsIgnored(int ccmd) {
        ByteBuffer f = frame();
        int n = configRequest(f, ccmd, new byte[0]);
        f.put(ConfigArg.VERSION_CCMD, (byte) ccmd); // aoecfg writes the ccmd without the version
        n = deliver(f, n);
        assertOk(f);
        assertConfigReply(f, n, ccmd, new byte[0]);
    }

    @ParameterizedTest(name = "stored ''{0}'', test ''{1}'' -> reply {2}")
    @CsvSource({
            "abc, abc, true",
            "abc, ab, false",
            "abc, abcd, false",
            "abc, abd, false",
            "abc, '', false",
            "'', '', true",
            "'', a, false",
    })
    void testExactRepliesOnlyOnAMatch(String stored, String test, boolean replies) {
        storeConfig(stored);
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_TEST, s(test)));
        if (replies) {
            assertOk(f);
            assertConfigReply(f, n, ConfigArg.CCMD_TEST, s(stored));
        } else {
            assertEquals(Outcome.NO_REPLY, n);
        }
    }

    @ParameterizedTest(name = "stored ''{0}'', prefix ''{1}'' -> reply {2}")
    @CsvSource({
            "abc, abc, true",
            "abc, ab, true",
            "abc, '', true",
            "abc, abcd, false",
            "abc, b, false",
            "'', a, false",
            "'', '', true",
    })
    void testPrefixRepliesOnlyWhenThePrefixMatches(String stored, String prefix, boolean replies) {
        storeConfig(stored);
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_TEST_PREFIX, s(prefix)));
        if (replies) {
            assertOk(f);
            assertConfigReply(f, n, ConfigArg.CCMD_TEST_PREFIX, s(stored));
        } else {
            assertEquals(Outcome.NO_REPLY, n);
        }
    }

    @Test
    void setStoresTheStringWhenNoneIsSet() {
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_SET, s("mine")));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_SET, s("mine"));
        assertArrayEquals(s("mine"), state.config());
    }

    @Test
    void setOfTheSameStringSucceeds() {
        storeConfig("mine");
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_SET, s("mine")));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_SET, s("mine"));
    }

    @Test
    void setOfADifferentStringFailsWithError4AndTheCurrentString() {
        storeConfig("theirs");
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_SET, s("mine-longer")));
        assertAoeError(f, AoeHeader.ERR_CONFIG_STRING_PRESENT);
        assertConfigReply(f, n, ConfigArg.CCMD_SET, s("theirs"));
        assertArrayEquals(s("theirs"), state.config(), "unchanged");
    }

    @Test
    void forceSetAlwaysReplaces() {
        storeConfig("theirs");
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_FORCE_SET, s("mine")));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_FORCE_SET, s("mine"));
        assertArrayEquals(s("mine"), state.config());
        n = deliver(f, configRequest(f, ConfigArg.CCMD_FORCE_SET, new byte[0]));
        assertOk(f);
        assertEquals(0, state.config().length, "force set to empty clears it");
    }

    @Test
    void setAcceptsTheMaximumLengthAndBinaryBytes() {
        byte[] big = pattern(ConfigArg.MAX_STRING, 3);
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_SET, big));
        assertOk(f);
        assertConfigReply(f, n, ConfigArg.CCMD_SET, big);
        assertArrayEquals(big, state.config());
    }

    @ParameterizedTest
    @ValueSource(ints = {ConfigArg.CCMD_SET, ConfigArg.CCMD_FORCE_SET, ConfigArg.CCMD_TEST, ConfigArg.CCMD_TEST_PREFIX})
    void stringLongerThan1024IsSilent(int ccmd) {
        ByteBuffer f = frame();
        int n = configRequest(f, ccmd, new byte[ConfigArg.MAX_STRING + 1]);
        assertEquals(Outcome.NO_REPLY, deliver(f, n));
        assertEquals(0, state.config().length);
    }

    @ParameterizedTest
    @ValueSource(ints = {ConfigArg.CCMD_SET, ConfigArg.CCMD_FORCE_SET})
    void lengthBeyondThePayloadIsSilent(int ccmd) {
        ByteBuffer f = frame();
        int n = configRequest(f, ccmd, s("abcdef"));
        assertEquals(Outcome.NO_REPLY, deliver(f, n - 1));
        assertEquals(0, state.config().length);
    }

    @Test
    void setUsesTheLengthFieldNotTheFrameLength() {
        ByteBuffer f = frame();
        int n = configRequest(f, ConfigArg.CCMD_SET, s("abc"));
        f.put(n, s("trailing garbage"));
        n = deliver(f, 60);
        assertOk(f);
        assertArrayEquals(s("abc"), state.config());
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7, 8, 15})
    void undefinedSubcommandsGetBadArgument(int ccmd) {
        ByteBuffer f = frame();
        int n = deliver(f, configRequest(f, ccmd, new byte[0]));
        assertReplyHeader(f, INITIATOR);
        assertAoeError(f, AoeHeader.ERR_BAD_ARGUMENT);
        assertEquals(60, n);
    }

    @ParameterizedTest(name = "MTU {0} -> {1} sectors per frame")
    @CsvSource({"1500, 2", "1450, 2", "4200, 8", "9000, 17", "9216, 17", "548, 1"})
    void sectorsPerFrameFollowTheMtuReadAtEachQuery(int mtu, int sectors) {
        ByteBuffer f = frame();
        link.mtu = mtu;
        int before = link.refreshes;
        deliver(f, configRequest(f, ConfigArg.CCMD_READ, new byte[0]));
        assertEquals(sectors, ConfigArg.sectorCount(f));
        assertEquals(before + 1, link.refreshes, "config queries re-read the MTU");
    }

    @Test
    void broadcastQueryIsAnsweredWithTheRealAddressToTheRequester() {
        ByteBuffer f = frame();
        int n = configRequest(f, INITIATOR, 0xFFFF, 0xFF, ConfigArg.CCMD_READ, new byte[0]);
        AoeHeader.writeRequest(f, MacAddress.BROADCAST, INITIATOR, 0xFFFF, 0xFF, AoeHeader.CMD_CONFIG, 0);
        n = deliver(f, n);
        assertEquals(60, n);
        assertOk(f);
        assertEquals(INITIATOR, AoeHeader.destination(f));
        assertEquals(TARGET_MAC, AoeHeader.source(f));
        assertEquals(SHELF, AoeHeader.shelf(f));
        assertEquals(SLOT, AoeHeader.slot(f));
        assertEquals(0, AoeHeader.tag(f), "Linux discovery uses tag 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 25, 30, 31})
    void truncatedConfigHeaderIsSilent(int length) {
        ByteBuffer f = frame();
        configRequest(f, ConfigArg.CCMD_READ, new byte[0]);
        assertEquals(Outcome.NO_REPLY, deliver(f, length));
    }

    @Test
    void nonAsciiStringRoundTripsThroughSetAndRead() {
        byte[] text = s("Grüße, 東京 \u0000\u00ff");
        ByteBuffer f = frame();
        deliver(f, configRequest(f, ConfigArg.CCMD_FORCE_SET, text));
        int n = deliver(f, configRequest(f, ConfigArg.CCMD_READ, new byte[0]));
        assertConfigReply(f, n, ConfigArg.CCMD_READ, text);
    }
}
