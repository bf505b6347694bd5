package dev.isobench.engine.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The device program's rules as v1 writes them, and its shape: a block per rule, last rule first, deny at the end. */
class DeviceProgramTest {
    @Test
    void rulesReadAsV1WritesThem() {
        assertEquals(new DeviceProgram.Rule(true, 'c', 1, 3, 7), DeviceProgram.Rule.parse(true, "c 1:3 rwm"));
        assertEquals(new DeviceProgram.Rule(false, 'b', -1, -1, 1), DeviceProgram.Rule.parse(false, "b *:* m"));
        assertEquals(new DeviceProgram.Rule(true, 'a', -1, -1, 7), DeviceProgram.Rule.parse(true, "a"));
        assertThrows(IllegalArgumentException.class, () -> DeviceProgram.Rule.parse(true, "c 1 rwm"));
    }

    @Test
    void eachRuleIsABlockThatJumpsToTheNextWhenItDoesNotMatch() {
        byte[] p = DeviceProgram.compile(List.of(DeviceProgram.Rule.parse(true, "c 1:3 rw"), DeviceProgram.Rule.parse(false, "a")));
        // 6 to load the context, the deny-all's 2 (no checks), the 1:3 rule's 6 (type, access in 3, major, minor) and 2, the default's 2
        assertEquals((6 + 2 + 8 + 2) * 8, p.length);
        int first = 6 * 8;
        assertEquals(0xb7, p[first] & 0xff, "the last rule first: deny all sets r0 = 0 at once");
        assertEquals(0, p[first + 4]);
        int second = 8 * 8;
        assertEquals(0x55, p[second] & 0xff, "the 1:3 rule begins with its type check");
        assertEquals(7, p[second + 2], "a failed check jumps past the rest of the block (7 instructions)");
        assertEquals(0x95, p[p.length - 8] & 0xff, "it ends in exit");
    }
}
