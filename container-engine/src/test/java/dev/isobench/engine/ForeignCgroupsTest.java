package dev.isobench.engine;

import dev.isobench.engine.cgroup.CgroupPath;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.cgroup.CgroupDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every engine root shares the isobench/ cgroup parent: gc in one root must not take another root's groups. */
@Tag("integration")
class ForeignCgroupsTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void gcLeavesAnotherRootsGroupsAndTakesOnlyAnAbandonedOne() throws Exception {
        CgroupDriver cgroups = t.engine().cgroups();
        String other = String.format("%012x", System.nanoTime() & 0xffffffffffffL);
        CgroupPath group = CgroupPath.ofContainer(other);
        cgroups.create(group);
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            for (Path f : cgroups.joinFiles(group)) Files.writeString(f, Long.toString(sleeper.pid()));
            t.engine().gc(true);
            assertTrue(sleeper.isAlive(), "gc killed a process in another root's group");
            assertTrue(cgroups.list().contains(other), "gc took another root's live group");

            sleeper.destroyForcibly().waitFor();
            t.engine().gc(true);
            assertTrue(cgroups.list().contains(other), "gc took an empty group made a moment ago (another engine may be filling it)");

            FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
            for (Path f : cgroups.joinFiles(group)) Files.setLastModifiedTime(f.getParent(), longAgo);
            assertTrue(t.engine().gc(true).cgroups().contains(other), "an empty group an hour old is a leftover");
            assertFalse(cgroups.list().contains(other));
        } finally {
            sleeper.destroyForcibly().waitFor();
            cgroups.destroy(group);
        }
    }
}
