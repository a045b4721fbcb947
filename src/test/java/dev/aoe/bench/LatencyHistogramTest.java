package dev.aoe.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {
    @Test
    void bucketsAreContiguousAndEachValueLiesInItsBucket() {
        for (long v = 0; v < 1 << 20; v += 7) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.lowerBound(i) <= v && v < LatencyHistogram.lowerBound(i + 1), "value " + v);
        }
        for (int i = 0; i < 2000; i++) {
            assertEquals(i, LatencyHistogram.index(LatencyHistogram.lowerBound(i)));
        }
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 10; v++) {
            h.record(v);
        }
        assertEquals(5, h.percentile(0.5));
        assertEquals(10, h.percentile(0.99));
        assertEquals(1, h.percentile(0.01));
    }

    @Test
    void percentilesOfALargeRangeStayWithinOneBucket() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 10_000; us++) {
            h.record(us * 1000);
        }
        assertWithin(5_000_000, h.percentile(0.50));
        assertWithin(9_900_000, h.percentile(0.99));
        assertEquals(10_000, h.count());
    }

    @Test
    void emptyAndResetGiveZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.5));
        h.record(123_456);
        h.reset();
        assertEquals(0, h.count());
        assertEquals(0, h.percentile(0.99));
    }

    @Test
    void outOfRangeValuesAreClampedNotLost() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertEquals(2, h.count());
        assertEquals(0, h.percentile(0.5));
        assertTrue(h.percentile(1.0) > 1L << 40);
    }

    /** The histogram's precision: 1/64 of the value. */
    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 64, "expected about " + expected + ", got " + actual);
    }
}
