package dev.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void readsCommandLineAndKubernetesSpellings() {
        assertEquals(512, Sizes.parse("512"));
        assertEquals(512, Sizes.parse("512B"));
        assertEquals(64L << 10, Sizes.parse("64K"));
        assertEquals(256L << 20, Sizes.parse("256m"));
        assertEquals(10L << 30, Sizes.parse("10G"));
        assertEquals(10L << 30, Sizes.parse("10Gi"));
        assertEquals(10L << 30, Sizes.parse("10GiB"));
        assertEquals(2L << 40, Sizes.parse("2Ti"));
    }

    @Test
    void refusesWhatIsNotASize() {
        for (String bad : new String[] {"", "G", "10X", "-1", "10 G", "99999999999P", "1.5G"}) {
            assertEquals("not a size: '" + bad + "' (examples: 1048576, 64M, 10G, 10Gi)",
                    assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad)).getMessage(), bad);
        }
    }

    @Test
    void quantitiesUseTheLargestExactBinaryUnitElseTheLargestExactDecimalOne() {
        assertEquals("10Gi", Sizes.quantity(10L << 30));
        assertEquals("1536Mi", Sizes.quantity(1536L << 20));
        assertEquals("1k", Sizes.quantity(1000));
        assertEquals("10G", Sizes.quantity(10_000_000_000L));
        assertEquals("512", Sizes.quantity(512));
        assertEquals("976563Ki", Sizes.quantity(1_000_000_512L));
        assertEquals("1000000001", Sizes.quantity(1_000_000_001L));
    }
}
