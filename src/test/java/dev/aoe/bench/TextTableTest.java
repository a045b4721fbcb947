package dev.aoe.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTableTest {
    private static TextTable table() {
        TextTable t = new TextTable(List.of("target", "IOPS"), false, true);
        t.add(List.of("aoe", "12345"));
        t.add(List.of("vblade", "7"));
        return t;
    }

    @Test
    void alignsTextLeftAndNumbersRight() {
        assertEquals("""
                target   IOPS
                aoe     12345
                vblade      7
                """, table().render(false));
    }

    @Test
    void rendersMarkdownWithRightAlignedNumberColumns() {
        assertEquals("""
                | target | IOPS |
                | --- | ---: |
                | aoe | 12345 |
                | vblade | 7 |
                """, table().render(true));
    }
}
