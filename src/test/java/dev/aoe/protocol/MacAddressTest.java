package dev.aoe.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest {
    private static final long MAC = 0x5254_00AB_CDEFL;

    @ParameterizedTest
    @ValueSource(strings = {"52:54:00:ab:cd:ef", "52:54:00:AB:CD:EF", "525400abcdef", "525400ABCDEF",
            "52-54-00-Ab-cD-eF", "  52:54:00:ab:cd:ef  "})
    void parseAcceptsColonsOptionalAndAnyCase(String text) {
        assertEquals(MAC, MacAddress.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:01", "52:54:00:ab:cd:eg", "hello",
            "+25400abcdef", "52 54 00 ab cd ef"})
    void parseRejectsBadInputWithAMessageNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("12 hex digits"), e.getMessage());
    }

    @Test
    void formatIsLowerCaseWithColons() {
        assertEquals("52:54:00:ab:cd:ef", MacAddress.format(MAC));
        assertEquals("00:00:00:00:00:01", MacAddress.format(1));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.BROADCAST));
    }

    @Test
    void formatThenParseRoundTrips() {
        for (long mac : new long[] {0, 1, MAC, MacAddress.BROADCAST, 0x8000_0000_0000L}) {
            assertEquals(mac, MacAddress.parse(MacAddress.format(mac)));
        }
    }

    @Test
    void listsParseAndFormat() {
        long[] macs = MacAddress.parseList("52:54:00:ab:cd:ef,525400000003");
        assertArrayEquals(new long[] {MAC, 0x5254_0000_0003L}, macs);
        assertEquals("52:54:00:ab:cd:ef,52:54:00:00:00:03", MacAddress.formatList(macs));
        assertEquals(0, MacAddress.parseList("  ").length);
        assertEquals("", MacAddress.formatList(new long[0]));
    }

    @Test
    void getAndPutUseNetworkByteOrder() {
        ByteBuffer f = ByteBuffer.allocateDirect(16);
        MacAddress.put(f, 3, MAC);
        assertEquals(0x52, f.get(3) & 0xFF);
        assertEquals(0xEF, f.get(8) & 0xFF);
        assertEquals(MAC, MacAddress.get(f, 3));
        assertEquals(MAC, MacAddress.of(new byte[] {0x52, 0x54, 0x00, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF}));
    }

    @Test
    void ofRejectsWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }

    @Test
    void groupAddressesHaveTheIgBitOfTheFirstOctet() {
        assertTrue(MacAddress.isGroup(MacAddress.BROADCAST));
        assertTrue(MacAddress.isGroup(MacAddress.parse("01:00:5e:00:00:01")));
        assertTrue(MacAddress.isGroup(MacAddress.parse("33:33:00:00:00:01")));
        assertEquals(false, MacAddress.isGroup(MacAddress.parse("52:54:00:12:34:56")));
        assertEquals(false, MacAddress.isGroup(MacAddress.parse("02:00:00:00:0b:0b")));
        assertEquals(false, MacAddress.isGroup(MacAddress.parse("00:01:00:00:00:00")), "only the first octet's bit counts");
    }
}
