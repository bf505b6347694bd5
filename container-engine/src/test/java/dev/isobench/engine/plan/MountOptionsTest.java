package dev.isobench.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
    @Test
    void flagsPropagationAndDataAreSplitAsMountTakesThem() {
        MountOptions o = MountOptions.parse(List.of("nosuid", "noexec", "strictatime", "mode=755", "size=65536k", "rprivate", "ro"));
        assertEquals(Mounts.NOSUID | Mounts.NOEXEC | Mounts.STRICTATIME | Mounts.RDONLY, o.flags());
        assertEquals(List.of(Mounts.PRIVATE | Mounts.REC), o.propagation());
        assertEquals("mode=755,size=65536k", o.data());
    }

    @Test
    void aLaterOptionUndoesAnEarlierOne() {
        assertEquals(0, MountOptions.parse(List.of("ro", "rw")).flags());
        assertEquals(Mounts.BIND | Mounts.REC, MountOptions.parse(List.of("rbind")).flags());
    }

    @Test
    void optionsTheEngineCannotHonourAreRefusedByName() {
        String message = assertThrows(IllegalArgumentException.class, () -> MountOptions.parse(List.of("tmpcopyup"))).getMessage();
        assertTrue(message.contains("'tmpcopyup' is not supported"), message);
        assertThrows(IllegalArgumentException.class, () -> MountOptions.parse(List.of("idmap")));
    }
}
