package dev.isobench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void namesWithAndWithoutPrefixAndNumbers() {
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(15, Signals.parse("term"));
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(34, Signals.parse("SIGRTMIN"));
        assertEquals(36, Signals.parse("RTMIN+2"));
        assertEquals(63, Signals.parse("SIGRTMAX-1"));
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGNOPE"));
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("0"));
    }
}
