package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL of the monitor or of the container's first process at every point of a container's life (the
 * ISOBENCH_FAULT hook), and of the CLI itself: afterwards gc leaves nothing, and the next container runs.
 */
@Tag("integration")
class FaultInjectionTest {
    static final List<String> POINTS = List.of("SPAWNED", "CLONED", "READY", "NETWORK_READY", "STARTED", "DELETING");

    @RegisterExtension
    final TestEngine t = new TestEngine();

    @AfterEach
    void clear() {
        System.clearProperty("isobench.fault");
    }

    @ParameterizedTest
    @ValueSource(strings = {"monitor", "container"})
    void killedAtEveryPointAndCollected(String who) {
        for (String point : POINTS) {
            System.setProperty("isobench.fault", who + "@" + point);
            Path log = t.root().resolve("log");
            try {
                Container c = t.engine().create(ContainerSpec.builder().network(NetworkMode.BRIDGE).command("/probe", "sleep", "1")
                        .stdio(Stdio.toFiles(log, log)).build());
                try {
                    c.start();
                    c.waitFor();
                } finally {
                    c.delete();
                }
            } catch (EngineException e) {
                // a killed stage fails create or start with its reason; what matters is what is left
            }
            System.clearProperty("isobench.fault");
            t.engine().gc(true);
            t.assertNoLeftovers();
            assertEquals(0, t.run("/probe", "true").exitCode(), "the next container after " + who + "@" + point);
        }
    }

    @Test
    void aKilledCliIsCollectedByTheNextOne() throws Exception {
        List<String> codes = new ArrayList<>();
        for (String point : List.of("ROOTFS_READY", "CGROUP_READY", "SPAWNED", "CLONED", "READY", "NETWORK_READY", "STARTED", "DELETING", "RETIRED")) {
            ProcessBuilder pb = new ProcessBuilder(cli("run", "--rm", "--net", "bridge", "--", "/probe", "sleep", "1"));
            pb.environment().put("ISOBENCH_FAULT", "cli@" + point);
            // Not a pipe: the orphaned container keeps the CLI's stdout open until gc kills it.
            Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            codes.add(point + "=" + p.waitFor());
            Process gc = new ProcessBuilder(cli("gc")).redirectErrorStream(true).start();
            String out = new String(gc.getInputStream().readAllBytes());
            assertEquals(0, gc.waitFor(), out);
            t.assertNoLeftovers();
        }
        for (String c : codes) assertNotEquals("0", c.substring(c.indexOf('=') + 1), "the CLI was not killed: " + codes);
        assertEquals(0, t.run("/probe", "true").exitCode());
    }

    private List<String> cli(String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.isobench.engine.cli.CtrCommand", "--root", t.root().toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
