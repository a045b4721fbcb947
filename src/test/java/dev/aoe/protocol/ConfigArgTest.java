package dev.aoe.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigArgTest {
    @Test
    void ccmdIgnoresTheVersionNibble() {
        ByteBuffer f = ByteBuffer.allocateDirect(64);
        f.put(ConfigArg.VERSION_CCMD, (byte) 0x03);
        assertEquals(3, ConfigArg.ccmd(f));
        f.put(ConfigArg.VERSION_CCMD, (byte) 0x13);
        assertEquals(3, ConfigArg.ccmd(f));
        f.put(ConfigArg.VERSION_CCMD, (byte) 0xF4);
        assertEquals(4, ConfigArg.ccmd(f));
    }

    @Test
    void writeReplyPutsVersionOneAndCcmdInByte29() {
        ByteBuffer f = ByteBuffer.allocateDirect(128);
        byte[] s = "hello".getBytes(StandardCharsets.US_ASCII);
        int n = ConfigArg.writeReply(f, 16, 0x4019, 17, ConfigArg.CCMD_TEST_PREFIX, s);
        assertEquals(32 + 5, n);
        assertEquals(16, ConfigArg.bufferCount(f));
        assertEquals(0x4019, ConfigArg.firmware(f));
        assertEquals(17, ConfigArg.sectorCount(f));
        assertEquals(0x12, f.get(29));
        assertEquals(5, ConfigArg.stringLength(f));
        assertArrayEquals(s, ConfigArg.string(f, n));
    }

    @Test
    void stringIsClippedToTheFrame() {
        ByteBuffer f = ByteBuffer.allocateDirect(128);
        f.putShort(ConfigArg.STRING_LENGTH, (short) 1000);
        assertEquals(10, ConfigArg.string(f, 42).length);
        assertEquals(0, ConfigArg.string(f, 20).length);
    }
}
