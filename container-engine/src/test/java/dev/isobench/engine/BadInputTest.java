package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input fails with a message that names the problem, and leaves nothing behind (checked after each test). */
@Tag("integration")
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
    void aFailureAfterTheMonitorWasLaunchedTakesTheMonitorAlong() {
        // The monitor is launched before volumes are checked, and waits there for its plan. It is either launched
        // for this create or the spare that an earlier one left (which a new spare replaces, as idle as it was).
        t.run("/probe", "true");
        t.run("/probe", "true");
        List<Long> before = monitors(true);
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder()
                .volume(dev.isobench.engine.spec.Volume.parse("/nonexistent-" + System.nanoTime() + ":/data")).command("/probe", "true").build()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(List.of(), monitors(false), "monitor left");
        assertTrue(monitors(true).stream().noneMatch(before::contains), "the spare taken by the failed create is gone");
        t.assertNoLeftovers();
    }

    @Test
    void malformedSpecValuesAreRefusedBeforeAnythingIsMade() {
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().workdir("relative").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().env("NOVALUE").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().name("bad/name").build());
    }

    @Test
    void aStateFileEditedByHandIsSkippedAndCollected() throws Exception {
        Container c = t.start(ContainerSpec.builder().detached(true).command("/probe", "sleep", "30"));
        int pid = c.pid();
        java.nio.file.Files.writeString(c.dir().state(), "{ edited by hand");
        assertTrue(t.engine().list().stream().noneMatch(x -> x.id().equals(c.id())), "an unreadable container is not listed as if it were fine");
        assertEquals(1, t.engine().gc(false).containers().size(), "gc takes an unreadable container");
        assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid)), "its process is killed with its cgroup");
        t.assertNoLeftovers();
    }

    @Test
    void aFullDiskDuringProvisioningFailsCleanly() throws Exception {
        java.nio.file.Path small = java.nio.file.Files.createTempDirectory("isobench-full-");
        java.nio.file.Files.setPosixFilePermissions(small, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=20m", "isobench-test-full", small.toString()).inheritIO().start().waitFor());
        try {
            Engine engine = Engine.open(small);
            engine.images().builtins().synthetic("synthetic:6m:40"); // 2.4 MiB of binaries + 6 MiB: one 6 MiB copy fits, a second does not
            java.nio.file.Path log = small.resolve("log");
            Container first = engine.create(ContainerSpec.builder().image("synthetic:6m:40").rootfs(dev.isobench.engine.spec.RootfsMode.COPY)
                    .command("/probe", "true").stdio(Stdio.toFiles(log, log)).build());
            EngineException e = assertThrows(EngineException.class, () -> engine.create(ContainerSpec.builder().image("synthetic:6m:40")
                    .rootfs(dev.isobench.engine.spec.RootfsMode.COPY).command("/probe", "true").stdio(Stdio.toFiles(log, log)).build()));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(1, engine.list().size(), "only the first container exists");
            first.start();
            assertEquals(0, first.waitFor(), "the first container is not harmed");
            first.delete();
            assertEquals(List.of(), engine.list());
            try (var s = java.nio.file.Files.list(small.resolve("containers"))) {
                assertEquals(0, s.count(), "no half-made container directory");
            }
            engine.close(); // its removals done and its spare monitor gone: nothing holds the file system
        } finally {
            assertEquals(0, new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor());
            java.nio.file.Files.delete(small);
        }
    }

    /** Live monitors of this JVM: spares (launched before their container was known, with --spare), or the others. */
    private static List<Long> monitors(boolean spares) {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("?").endsWith("isobench-init"))
                .filter(p -> List.of(p.info().arguments().orElse(new String[0])).contains("--spare") == spares)
                .map(ProcessHandle::pid).toList();
    }
}
