package dev.isobench.bench.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.app.HostRoot;
import dev.isobench.bench.process.Processes;
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
        // a server of the app suite renames itself (redis-server, postgres): it is found by where it works
        Process server = new ProcessBuilder("sleep", "300").directory(Files.createDirectories(dead.resolve("app/runs/host-1")).toFile()).start();
        try {
            List<String> removed = Leftovers.collect(root).stream().filter(r -> !r.startsWith("bridge ")).toList(); // other runs' bridges: below
            assertEquals(List.of("workspace " + dead), removed);
            assertTrue(straggler.waitFor(10, TimeUnit.SECONDS), "the process naming the dead run's directory is killed");
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the process working in the dead run's directory is killed");
            assertFalse(Files.exists(dead));
            assertTrue(Files.isDirectory(live) && bystander.isAlive(), "a live run's workspace and processes stay");
        } finally {
            straggler.destroyForcibly();
            bystander.destroyForcibly();
            server.destroyForcibly();
        }
    }

    /** A killed run's dockerd leaves its network's bridge: gc deletes it while a live run's (its directory there) stays. */
    @Test
    void aDeadRunsDockerBridgeGoesALiveOnesStays() throws Exception {
        Privileges.assumeRoot();
        String dead = "isbd99999991", live = "isbd99999992"; // pids no kernel hands out
        Path liveRun = Files.createDirectories(Leftovers.RUN.resolve("docker-99999992-1"));
        try {
            for (String name : List.of(dead, live)) assertEquals(0, ip("link", "add", name, "type", "bridge"), name);
            assertTrue(Leftovers.collectDockerBridges().contains("bridge " + dead));
            assertTrue(ip("link", "show", dead) != 0, "the dead run's bridge is gone");
            assertEquals(0, ip("link", "show", live), "the live run's stays");
        } finally {
            ip("link", "delete", dead);
            ip("link", "delete", live);
            Files.deleteIfExists(liveRun);
        }
    }

    private static int ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    /** A detached runc server of the app suite outlives a killed run in runc's own state: gc deletes it by its owner. */
    @Test
    void aDeadRunnersRuncServerIsDeletedALiveOnesStays() throws Exception {
        Privileges.assumeRoot();
        assumeTrue(Processes.firstLine(root, "runc", "--version").isPresent(), "needs runc");
        Path rootfs = HostRoot.make(root.resolve("host-root")).dir();
        String dead = Leftovers.OCI_SERVER_PREFIX + "runc-1-1-1"; // pid 1 did not start at tick 1: no such runner
        String live = Leftovers.OCI_SERVER_PREFIX + "runc-" + Leftovers.self() + "-1";
        try {
            for (String id : List.of(dead, live)) detachedSleep(rootfs, id);
            List<String> removed = Leftovers.collect(root);
            assertTrue(removed.contains("runc container " + dead), removed.toString());
            assertFalse(removed.contains("runc container " + live), removed.toString());
            assertFalse(Processes.run(List.of("runc", "state", dead), root).exitCode() == 0, "the dead runner's container is gone");
            assertEquals(0, Processes.run(List.of("runc", "state", live), root).exitCode(), "the live runner's container stays");
        } finally {
            for (String id : List.of(dead, live)) Processes.run(List.of("runc", "delete", "--force", id), root);
        }
    }

    private void detachedSleep(Path rootfs, String id) throws Exception {
        Path bundle = Files.createDirectories(root.resolve("bundle-" + id));
        Processes.run(List.of("runc", "spec", "--bundle", bundle.toString()), root).requireSuccess("runc spec");
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        c.with("process").put("terminal", false).putArray("args").add("/usr/bin/sleep").add("300");
        c.with("root").put("path", rootfs.toString());
        ArrayNode mounts = c.withArray("mounts");
        mounts.addObject().put("destination", "/usr").put("type", "bind").put("source", "/usr").putArray("options").add("rbind").add("ro");
        c.with("linux").put("cgroupsPath", "/isobench/" + id);
        json.writeValue(bundle.resolve("config.json").toFile(), c);
        Process p = new ProcessBuilder("runc", "run", "--detach", "--bundle", bundle.toString(), id).redirectErrorStream(true)
                .redirectOutput(root.resolve(id + ".log").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "runc run --detach: " + Files.readString(root.resolve(id + ".log")));
    }
}
