package dev.aoe.ata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtaTest {
    @ParameterizedTest(name = "opcode {0}: raw {1} -> {2}")
    @CsvSource({
            // Linux LBA28: lba3 = 0xE0 | LBA[27:24] must not give a huge LBA
            "0x20, 0x0000E0000005, 0x5",
            "0x30, 0x0000E0000005, 0x5",
            "0x20, 0x0000EF123456, 0xF123456",
            "0x20, 0x0000A0000000, 0x0",
            "0x20, 0xFFFFFFFFFFFF, 0xFFFFFFF",
            // LBA48: all 48 bits count
            "0x24, 0x0000E0000005, 0xE0000005",
            "0x34, 0x0000E0000005, 0xE0000005",
            "0x24, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFF",
            "0x34, 0x123456789ABC, 0x123456789ABC",
    })
    void lbaIsMaskedByOpcode(String opcode, String raw, String expected) {
        assertEquals(Long.decode(expected), Ata.maskLba(Integer.decode(opcode), Long.decode(raw)));
    }

    @Test
    void opcodeClasses() {
        assertTrue(Ata.isRead(0x20));
        assertTrue(Ata.isRead(0x24));
        assertTrue(Ata.isWrite(0x30));
        assertTrue(Ata.isWrite(0x34));
        assertTrue(Ata.isFlush(0xE7));
        assertTrue(Ata.isFlush(0xEA));
        assertTrue(Ata.isExtended(0x24));
        assertTrue(Ata.isExtended(0x34));
        assertFalse(Ata.isExtended(0x20));
        assertFalse(Ata.isExtended(0xEC));
        assertTrue(AtaDevice.mayBlock(0x24));
        assertTrue(AtaDevice.mayBlock(0xEA));
        assertFalse(AtaDevice.mayBlock(0xEC));
        assertFalse(AtaDevice.mayBlock(0xE5));
    }
}
