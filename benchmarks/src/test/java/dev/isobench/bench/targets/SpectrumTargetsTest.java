package dev.isobench.bench.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import dev.isobench.engine.proc.ProcessInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * nspawn, LXC, gVisor and Docker (on its own dockerd) each run the probe in a UTS namespace of their own, or
 * are skipped with a reason; once closed, none of their processes, cgroups or directories remain.
 */
@Tag("integration")
class SpectrumTargetsTest {
    private static final List<String> SPECTRUM = List.of("nspawn", "lxc", "runsc", "docker");

    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void eachRunsTheProbeOrSaysWhyNotAndLeavesNothing() throws Exception {
        Privileges.assumeRoot();
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        Path dir;
        List<String> ran = new ArrayList<>();
        try (Workspace ws = new Workspace(t.engine()); Targets targets = Targets.discover(t.engine(), ws, Set.copyOf(SPECTRUM))) {
            dir = ws.dir();
            for (String name : SPECTRUM) {
                boolean found = targets.found().stream().anyMatch(x -> x.name().equals(name));
                assertTrue(found || !targets.skipped().getOrDefault(name, "").isBlank(), name + ": found, or skipped with a reason");
            }
            System.out.println("spectrum targets skipped: " + targets.skipped());
            for (Target x : targets.found()) {
                Execution e = x.run(List.of("hostname"));
                // crun 1.8 refuses a hybrid cgroup host; the suites skip it with that message, as here
                if (e.exitCode() != 0 && e.stderr().contains("hybrid")) continue;
                assertEquals(0, e.exitCode(), x.label() + ": " + e.stderr());
                assertNotEquals(hostname, e.stdout().trim(), x.label() + " runs in a UTS namespace of its own");
                ran.add(x.label());
            }
        }
        System.out.println("spectrum targets that ran: " + ran);
        assertEquals(List.of(), processesNaming(dir), "processes of the targets left");
        Path dockerRun = Path.of("/run/isobench", "docker-" + ProcessHandle.current().pid());
        assertEquals(List.of(), processesNaming(dockerRun), "processes of docker left");
        assertFalse(Files.exists(dockerRun), "docker's exec root left");
        assertEquals(List.of(), cgroupsNamed("lxc"), "LXC's groups left");
        assertFalse(Files.exists(Path.of("/run/systemd/nspawn/propagate", "isobench-" + ProcessHandle.current().pid())), "nspawn's directory left");
        assertFalse(Files.exists(dir), "the workspace is removed, so nothing was left mounted in it");
    }

    private static List<String> processesNaming(Path dir) throws IOException {
        return ProcessInfo.commandLines().values().stream().filter(c -> c.contains(dir.toString())).toList();
    }

    private static List<String> cgroupsNamed(String prefix) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path h : Targets.cgroupHierarchies()) {
            Path parent = h.resolve("isobench");
            if (!Files.isDirectory(parent)) continue;
            try (Stream<Path> s = Files.list(parent)) {
                s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p -> found.add(p.toString()));
            }
        }
        return found;
    }
}
