package dev.isobench.bench.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed run's workspace goes with the processes that name it; a live run's stays. */
@Tag("integration")
class LeftoversTest {
    @TempDir
    Path root;

    @Test
    void aDeadRunnersWorkspaceAndItsProcessesGoALiveOnesStay() throws Exception {
        Privileges.assumeRoot();
        Path dead = root.resolve("bench/run-dead");
        Files.createDirectories(dead.resolve("docker/data"));
        Files.writeString(dead.resolve(Workspace.OWNER), "1-1\n"); // pid 1 did not start at tick 1: no such runner
        Path live = Files.createDirectories(root.resolve("bench/run-live"));
        Files.writeString(live.resolve(Workspace.OWNER), Leftovers.self() + "\n");
        Process straggler = new ProcessBuilder("sh", "-c", "sleep 300 # " + dead.resolve("docker/data")).start();
        Process bystander = new ProcessBuilder("sh", "-c", "sleep 300 # " + live).start();
        try {
            List<String> removed = Leftovers.collect(root);
            assertEquals(List.of("workspace " + dead), removed);
            assertTrue(straggler.waitFor(10, TimeUnit.SECONDS), "the process naming the dead run's directory is killed");
            assertFalse(Files.exists(dead));
            assertTrue(Files.isDirectory(live) && bystander.isAlive(), "a live run's workspace and processes stay");
        } finally {
            straggler.destroyForcibly();
            bystander.destroyForcibly();
        }
    }
}
