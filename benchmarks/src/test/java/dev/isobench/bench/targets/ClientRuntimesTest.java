package dev.isobench.bench.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clients over isobench's OCI runtime, as the startup suite runs them: podman --runtime and docker --runtime
 * isobench (on isobench's own dockerd) report the probe's exit codes, and Docker's detached container goes
 * through its states (running, exec, killed, exited) with nothing of the engine left after.
 */
@Tag("integration")
class ClientRuntimesTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private static boolean installed(String tool) {
        return Processes.firstLine(Path.of("/"), "sh", "-c", "command -v " + tool).isPresent();
    }

    @Test
    void podmanAndDockerOverIsobenchReportTheProbesExitCodes() {
        Privileges.assumeRoot();
        assumeTrue(installed("podman") || installed("dockerd"), "needs podman or docker.io");
        List<String> ran = new ArrayList<>();
        Path ociRoot;
        try (Workspace ws = new Workspace(t.engine()); Targets targets = Targets.discover(t.engine(), ws, Set.of("engine", "podman", "docker"))) {
            ociRoot = ws.dir().resolve("isobench-runtime").resolve("oci-root");
            List<Target> overIsobench = targets.clients().stream().filter(x -> x.variant().startsWith("isobench") || x.name().equals("isobench-runtime")).toList();
            assertFalse(overIsobench.isEmpty(), "clients over isobench, found: " + targets.clients().stream().map(Target::label).toList());
            for (Target x : overIsobench) {
                Execution ok = x.run(List.of("true"));
                assertEquals(0, ok.exitCode(), x.label() + ": " + ok.stderr());
                // verb by verb (create, start, delete) no one waits for the container: there is no code to report
                if (!x.variant().equals("resident")) assertEquals(1, x.run(List.of("false")).exitCode(), x.label() + " reports the probe's own exit code");
                ran.add(x.label());
            }
            targets.clients().stream().filter(x -> x instanceof DockerTarget).findFirst().ifPresent(d -> dockerLifecycle(targets));
            try (var left = Files.list(ociRoot.resolve("containers"))) {
                assertEquals(List.of(), left.toList(), "containers left in the runtime's root");
            } catch (java.io.IOException e) {
                // never made: no client ran a container on this root
            }
        }
        System.out.println("clients over isobench that ran: " + ran);
        assertFalse(Files.exists(ociRoot), "the workspace, with the runtime's root, is removed");
    }

    /** docker run -d, ps, exec, kill, ps -a and rm through the isobench runtime. */
    private static void dockerLifecycle(Targets targets) {
        DockerDaemon docker = targets.docker().orElseThrow();
        Execution run = docker.docker("run", "-d", "--network=none", "--runtime=isobench", DockerDaemon.IMAGE, "/probe", "spin", "60");
        assertEquals(0, run.exitCode(), run.stderr());
        String id = run.stdout().trim();
        try {
            assertEquals("running", docker.docker("inspect", "-f", "{{.State.Status}}", id).stdout().trim());
            assertEquals(0, docker.docker("exec", id, "/probe", "true").exitCode());
            assertEquals(1, docker.docker("exec", id, "/probe", "false").exitCode(), "docker exec reports the exec'd process's code");
            assertTrue(docker.docker("top", id).stdout().contains("/probe spin 60"), "docker top lists the container's processes");
            assertEquals(0, docker.docker("kill", id).exitCode());
            assertEquals("137", docker.docker("wait", id).stdout().trim(), "killed by SIGKILL: 128 + 9");
            assertEquals("exited", docker.docker("inspect", "-f", "{{.State.Status}}", id).stdout().trim());
        } finally {
            docker.docker("rm", "-f", id);
        }
        assertEquals("", docker.docker("ps", "-aq").stdout().trim(), "no container left in dockerd");
    }
}
