package dev.isobench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.TestEngine;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ctr CLI as a user runs it: a separate JVM process, its exit code, its stdout and stderr. */
@Tag("integration")
class CliTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private final CtrCli ctr = new CtrCli(t);

    private List<String> command(String... args) {
        return ctr.command(args);
    }

    private CtrCli.Run cli(String... args) throws Exception {
        return ctr.run(args);
    }

    @Test
    void runPropagatesExitCodesAndShowsTheInside() throws Exception {
        assertEquals(0, cli("run", "--rm", "--image", "probe", "--", "/probe", "true").code());
        assertEquals(1, cli("run", "--rm", "--image", "probe", "--", "/probe", "false").code());
        assertEquals("1\n", cli("run", "--rm", "--", "/probe", "pid").out());
        assertEquals("inner\n", cli("run", "--rm", "--hostname", "inner", "--", "/probe", "hostname").out());
        assertEquals(137, cli("run", "--rm", "--pid", "host", "--", "/probe", "kill-self", "9").code());
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        CtrCli.Run unknownFlag = cli("run", "--bogus");
        assertEquals(2, unknownFlag.code());
        assertEquals(1, unknownFlag.err().lines().count(), unknownFlag.err());
        assertTrue(unknownFlag.err().contains("--bogus"), unknownFlag.err());

        CtrCli.Run noImage = cli("run", "--rm", "--image", "nope", "--", "/probe", "true");
        assertEquals(125, noImage.code());
        assertEquals("isobench: error: no such image: 'nope' (built-in images: probe, host, synthetic:SIZE[:FILES], layers:N;"
                + " imported ones: isobench ctr images)\n", noImage.err());

        CtrCli.Run noCommand = cli("run", "--rm", "--", "/usr/bin/nosuch");
        assertEquals(125, noCommand.code());
        assertTrue(noCommand.err().contains("exec /usr/bin/nosuch") && noCommand.err().lines().count() == 1, noCommand.err());

        CtrCli.Run badNet = cli("run", "--net", "bridge0", "--", "/probe", "true");
        assertEquals(125, badNet.code());
        assertTrue(badNet.err().contains("--net must be none, host, bridge or container:ID"), badNet.err());
        t.assertNoLeftovers();
    }

    @Test
    void nameInUseIsRefused() throws Exception {
        CtrCli.Run first = cli("create", "--name", "web", "--", "/probe", "sleep", "30");
        assertEquals(0, first.code(), first.err());
        CtrCli.Run second = cli("run", "--name", "web", "--", "/probe", "true");
        assertEquals(125, second.code());
        assertTrue(second.err().contains("'web' is already in use"), second.err());
        assertEquals(0, cli("rm", "-f", "web").code());
    }

    @Test
    void createStartExecPsKillRm() throws Exception {
        String id = cli("create", "--name", "svc", "--", "/probe", "sleep", "30").out().trim();
        assertEquals(12, id.length(), id);
        assertTrue(cli("ps").out().contains("svc"), "created containers are listed");
        assertTrue(cli("ps").out().contains("created"));
        assertEquals(0, cli("start", "svc").code());
        assertTrue(cli("ps").out().contains("running"));
        CtrCli.Run exec = cli("exec", "svc", "--", "/probe", "hostname");
        assertEquals(0, exec.code(), exec.err());
        assertEquals(id + "\n", exec.out());
        CtrCli.Run rmRunning = cli("rm", "svc");
        assertEquals(125, rmRunning.code());
        assertTrue(rmRunning.err().contains("kill it first or use rm -f"), rmRunning.err());
        assertEquals(0, cli("kill", "svc").code());
        Container c = t.engine().get("svc");
        assertEquals(137, c.waitFor());
        assertFalse(cli("ps").out().contains("svc"), "stopped containers are hidden without -a");
        assertTrue(cli("ps", "-a").out().contains("exited (137)"));
        assertEquals(0, cli("rm", "svc").code());
        t.assertNoLeftovers();
    }

    @Test
    void sigkillOfTheCliDuringRunThenGcLeavesNoTrace() throws Exception {
        Process p = new ProcessBuilder(command("run", "--", "/probe", "sleep", "60")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Container c = awaitRunning();
        int pid = c.pid();
        p.destroyForcibly().waitFor();
        assertEquals(ContainerState.RUNNING, c.state(), "the container outlives its killed CLI until gc");
        CtrCli.Run gc = cli("gc");
        assertEquals(0, gc.code(), gc.err());
        assertTrue(gc.out().contains("removed container " + c.id()), gc.out());
        assertFalse(ProcessInfo.of(pid).map(ProcessInfo::isAlive).orElse(false), "container process still alive");
        t.assertNoLeftovers();
    }

    @Test
    void gcKeepsDetachedContainersAndContainersOfLiveOwners() throws Exception {
        String id = cli("run", "-d", "--", "/probe", "sleep", "30").out().trim();
        CtrCli.Run gc = cli("gc");
        assertEquals(0, gc.code(), gc.err());
        assertEquals(ContainerState.RUNNING, t.engine().get(id).state());
        assertEquals(0, cli("rm", "-f", id).code());
    }

    @Test
    void notRootIsRefusedWithTheReason() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop root");
        // The unprivileged user must be able to read the classes: copy the classpath somewhere world-readable.
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "isobench-cp-");
        try {
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path copy = shared.resolve(n++ + "-" + Path.of(e).getFileName());
                new ProcessBuilder("cp", "-r", e, copy.toString()).start().waitFor();
                entries.add(copy.toString());
            }
            new ProcessBuilder("chmod", "-R", "a+rX", shared.toString()).start().waitFor();
            List<String> cmd = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-cp",
                    String.join(java.io.File.pathSeparator, entries), CtrCommand.class.getName(), "run", "--rm", "--", "/probe", "true");
            Path err = Files.createTempFile(t.root(), "err", "");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals("isobench: error: isobench ctr needs root: namespaces, mounts and cgroups are privileged operations"
                    + " (run it with sudo)\n", Files.readString(err));
            assertEquals(125, p.exitValue());
        } finally {
            dev.isobench.engine.files.SafeDelete.tree(shared);
        }
    }

    private Container awaitRunning() throws InterruptedException, IOException {
        for (int i = 0; i < 600; i++) {
            for (Container c : t.engine().list()) {
                if (c.state() == ContainerState.RUNNING) return c;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no container reached running in 30 s");
    }
}
