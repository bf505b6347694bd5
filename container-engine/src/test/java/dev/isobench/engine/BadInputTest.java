package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input fails with a message that names the problem, and leaves nothing behind (checked after each test). */
class BadInputTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void missingImage() {
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder().image("nope").build()));
        assertTrue(e.getMessage().contains("no such image: 'nope'"), e.getMessage());
    }

    @Test
    void commandNotInTheRootfs() {
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder().command("/bin/sh").build()));
        assertTrue(e.getMessage().contains("exec /bin/sh") && e.getMessage().contains("not found"), e.getMessage());
        t.assertNoLeftovers();
    }

    @Test
    void nameAlreadyInUse() {
        Container first = t.engine().create(ContainerSpec.builder().name("dup").command("/probe", "true")
                .stdio(Stdio.toFiles(t.root().resolve("o"), t.root().resolve("o"))).build());
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder().name("dup").build()));
        assertTrue(e.getMessage().contains("'dup' is already in use"), e.getMessage());
        assertEquals(1, t.engine().list().size());
        first.delete();
    }

    @Test
    void aFailingSetupStepIsNamedAndUndone() {
        EngineException e = assertThrows(EngineException.class,
                () -> t.engine().create(ContainerSpec.builder().workdir("/probe/not-a-dir").command("/probe", "true").build()));
        assertTrue(e.getMessage().matches("(?s)container setup step \\d+ \\(mkdir /probe/not-a-dir .*\\) failed: Not a directory"), e.getMessage());
    }

    @Test
    void malformedSpecValuesAreRefusedBeforeAnythingIsMade() {
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().workdir("relative").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().env("NOVALUE").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().name("bad/name").build());
    }
}
