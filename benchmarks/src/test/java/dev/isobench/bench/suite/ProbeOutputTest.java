package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe's "key value" lines, read by key: a key is a whole word, never a prefix of another. */
class ProbeOutputTest {
    private final ProbeOutput out = new ProbeOutput("rounds 120\ncpu_s 0.5\nwall_s 1.0\nallocated_mib 16\nallocated_mib 48\nbytes 1000000 nanos 500000000\n");

    @Test
    void valuesByKey() {
        assertEquals(120, out.value("rounds"));
        assertEquals(0.5, out.value("cpu_s") / out.value("wall_s"));
        assertEquals(48, out.max("allocated_mib").orElseThrow(), "the largest of a key printed as it grows");
        assertEquals(16, out.first("allocated_mib").orElseThrow());
        assertEquals("nanos", out.fields("bytes").get(0)[2]);
        assertTrue(out.first("allocated").isEmpty(), "a prefix is not a key");
    }

    @Test
    void aMissingKeyIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.value("forks_ok"));
        assertTrue(e.getMessage().startsWith("the probe printed no forks_ok: rounds 120"), e.getMessage());
    }
}
