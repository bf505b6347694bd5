package dev.isobench.engine;

import dev.isobench.engine.cgroup.CgroupPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What 'gc' without --all counts as a leftover while the container's owner (this JVM) is alive: a container
 * removed at exit once it has exited (its delete was cut short, so it carries no "removing" mark), and nothing
 * that is still running or that was kept on purpose, nor a create in progress; and a deleted container's directory and cgroups that a
 * killed JVM left for its reaper.
 */
@Tag("integration")
class LeftoverRulesTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void anExitedEphemeralContainerIsALeftoverAndAKeptOneIsNot() {
        Container ephemeral = t.start(ContainerSpec.builder().ephemeral(true).command("/probe", "true"));
        Container kept = t.start(ContainerSpec.builder().command("/probe", "true"));
        Container running = t.start(ContainerSpec.builder().ephemeral(true).command("/probe", "sleep", "30"));
        try {
            assertEquals(0, ephemeral.waitFor());
            assertEquals(0, kept.waitFor());
            List<String> removed = t.engine().gc(false).containers();
            assertEquals(List.of(ephemeral.id()), removed, "only the exited --rm container is garbage");
            List<String> left = t.engine().list().stream().map(Container::id).toList();
            assertTrue(left.containsAll(List.of(kept.id(), running.id())) && !left.contains(ephemeral.id()), left.toString());
            assertTrue(running.state().canExec(), "gc left the running --rm container alone");
            ephemeral.delete(); // the owner's own delete after gc's: a no-op, not an error
        } finally {
            running.delete();
            kept.delete();
        }
    }

    @Test
    void whatAKilledJvmLeftForItsReaperIsCollected() throws Exception {
        String id = String.format("%012x", System.nanoTime() & 0xffffffffffffL);
        t.engine().cgroups().create(CgroupPath.ofContainer(id));
        Path retired = t.root().resolve("trash").resolve(id);
        Files.createDirectories(retired.resolve("work/work"));
        Files.writeString(retired.resolve("state.json"), "{}");
        assertTrue(t.engine().gc(false).containers().contains(id), "gc reports the retired container");
        assertFalse(Files.exists(retired), "its directory is removed");
        assertFalse(t.engine().cgroups().list().contains(id), "its cgroups are removed");
    }

    @Test
    void aDirectoryWithoutARecordIsACreateInProgressWhileLockedAndALeftoverOnceNot() throws Exception {
        Path dir = t.root().resolve("containers").resolve(String.format("%012x", System.nanoTime() & 0xffffffffffffL));
        Files.createDirectories(dir.resolve("upper"));
        int lock = Native.lockDirectory(dir.toString()); // as a creator holds it until its one state write
        try {
            t.engine().gc(true);
            assertTrue(Files.isDirectory(dir), "gc took the directory of a create in progress");
        } finally {
            Native.close(lock);
        }
        assertTrue(t.engine().gc(false).containers().contains(dir.getFileName().toString()));
        assertFalse(Files.exists(dir), "a create that died before its record is a leftover");
    }
}
