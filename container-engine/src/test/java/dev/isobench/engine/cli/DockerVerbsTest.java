package dev.isobench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import dev.isobench.engine.compile.PlanCompiler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Docker's everyday verbs on the ctr CLI, as a user types them: inspect, port, top, stop, wait, logs, cp, and the image first. */
@Tag("integration")
class DockerVerbsTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();
    private final CtrCli ctr = new CtrCli(t);

    @Test
    void aDetachedServerIsFoundByInspectReachedByItsPortStoppedAndWaitedFor() throws Exception {
        Privileges.assumeRoot();
        int port = freePort();
        CtrCli.Run started = ctr.run("run", "-d", "--name", "svc", "-p", port + ":7000", "probe", "/probe", "tcp-echo", "serve", "0.0.0.0", "7000", "100", "60");
        assertEquals(0, started.code(), started.err());
        String id = started.out().strip();

        JsonNode running = inspect("svc");
        assertEquals(id, running.path("Id").asText());
        assertEquals("svc", running.path("Name").asText());
        assertEquals("probe", running.path("Image").asText());
        assertEquals("running", running.path("State").path("Status").asText());
        assertTrue(running.path("State").path("Pid").asInt() > 1, running.toString());
        assertTrue(running.path("NetworkSettings").path("IPAddress").asText().startsWith("10.88."), "its bridge address: " + running);
        assertEquals(Integer.toString(port), running.path("NetworkSettings").path("Ports").path("7000/tcp").get(0).path("HostPort").asText());
        assertTrue(running.path("Mounts").findValuesAsText("Destination").contains("/proc"), "what is mounted in it: " + running.path("Mounts"));
        assertFalse(running.path("Cgroup").path("Directories").isEmpty(), "its cgroup: " + running.path("Cgroup"));
        assertTrue(Instant.parse(running.path("State").path("StartedAt").asText()).isAfter(Instant.parse("2020-01-01T00:00:00Z")));

        assertEquals("7000/tcp -> 127.0.0.1:" + port + "\n", ctr.run("port", "svc").out());
        assertEquals("127.0.0.1:" + port + "\n", ctr.run("port", "svc", "7000/tcp").out());
        echo(port); // the address inspect and port gave answers
        CtrCli.Run top = ctr.run("top", "svc");
        assertEquals(0, top.code(), top.err());
        assertTrue(top.out().lines().count() >= 2 && top.out().contains("tcp-echo"), "ps's header and the server: " + top.out());

        CtrCli.Run stop = ctr.run("stop", "-t", "1", "svc");
        assertEquals(0, stop.code(), stop.err());
        assertEquals("svc\n", stop.out());
        JsonNode stopped = inspect("svc");
        assertEquals("exited", stopped.path("State").path("Status").asText());
        assertEquals(0, stopped.path("State").path("Pid").asInt());
        int code = stopped.path("State").path("ExitCode").asInt();
        assertTrue(code == 137 || code == 143, "TERM (ignored by a pid namespace's init without a handler), then KILL: " + code);
        assertEquals(code + "\n", ctr.run("wait", "svc").out(), "wait prints the exit code");
        assertEquals(0, ctr.run("stop", "svc").code(), "a stopped container is left as it is, as docker's");

        oneLine(ctr.run("top", "svc"), "not running");
        oneLine(ctr.run("port", "svc", "9"), "no public port '9'");
        oneLine(ctr.run("port", "svc", "http"), "PORT takes a port number");
        for (String verb : new String[] {"inspect", "stop", "wait", "top", "port"}) oneLine(ctr.run(verb, "nosuch"), "no such container: nosuch");
        oneLine(ctr.run("inspect", "--format", "{{.Id}}", "svc"), "--format takes json only");
        assertEquals(0, ctr.run("rm", "svc").code());
        t.assertNoLeftovers();
    }

    @Test
    void theImageIsTheFirstArgumentAsDockerRunTakesItAndAnAbsolutePathIsACommand() throws Exception {
        Privileges.assumeRoot();
        CtrCli.Run positional = ctr.run("run", "--rm", "--hostname", "box", "probe", "/probe", "hostname");
        assertEquals("box\n", positional.out(), positional.err());
        assertEquals("1\n", ctr.run("run", "--rm", "--", "/probe", "pid").out(), "a command first: the probe image, as before");
        assertEquals(0, ctr.run("run", "--rm", "--image", "probe", "--", "/probe", "true").code(), "--image still works");
        CtrCli.Run created = ctr.run("create", "--name", "later", "probe", "/probe", "exit", "3");
        assertEquals(0, created.code(), created.err());
        assertEquals(0, ctr.run("start", "later").code());
        assertEquals("3\n", ctr.run("wait", "later").out());
        assertEquals(0, ctr.run("rm", "later").code());
        oneLine(ctr.run("run", "--rm", "sh", "-c", "true"), "the first argument is the image");
        t.assertNoLeftovers();
    }

    @Test
    void aDetachedContainersOutputIsKeptByItsMonitorRotatedAndFollowed() throws Exception {
        Privileges.assumeRoot();
        // more than the log's size, then a last line: the log keeps the end, in two files at most
        CtrCli.Run big = ctr.run("run", "-d", "--name", "talker", "--net", "none", "--image", "host", "--", "/bin/sh", "-c",
                "head -c " + (PlanCompiler.LOG_MAX_BYTES + PlanCompiler.LOG_MAX_BYTES / 2) + " /dev/zero | tr '\\0' x; echo; echo last; echo oops >&2");
        assertEquals(0, big.code(), big.err());
        assertEquals("0\n", ctr.run("wait", "talker").out());
        CtrCli.Run tail = ctr.run("logs", "--tail", "2", "talker");
        assertEquals("last\noops\n", tail.out(), "stdout and stderr, in order: " + tail.err());
        Path dir = t.root().resolve("containers").resolve(big.out().strip());
        long kept = Files.size(dir.resolve("container.log")) + Files.size(dir.resolve("container.log.1"));
        assertTrue(kept <= 2 * PlanCompiler.LOG_MAX_BYTES && Files.size(dir.resolve("container.log.1")) <= PlanCompiler.LOG_MAX_BYTES,
                "bounded: " + kept);
        CtrCli.Run follow = ctr.run("run", "-d", "--name", "ticker", "--net", "none", "probe", "/probe", "echo", "tick");
        assertEquals(0, follow.code(), follow.err());
        assertEquals("tick\n", ctr.run("logs", "-f", "ticker").out(), "-f returns once it stopped, with all it wrote");
        oneLine(ctr.run("logs", "nosuch"), "no such container: nosuch");
        assertEquals(0, ctr.run("rm", "talker", "ticker").code());
        t.assertNoLeftovers();
    }

    @Test
    void filesAreCopiedInAndOutAndASymlinkInTheContainerLeadsNowhereOnTheHost() throws Exception {
        Privileges.assumeRoot();
        assumeTrue(Files.isExecutable(CpCommand.BUSYBOX), "needs a static busybox (scripts/setup installs busybox-static)");
        assertEquals(0, ctr.run("run", "-d", "--name", "box", "--net", "none", "probe", "/probe", "sleep", "60").code());
        Path host = t.root().resolve("host-side");
        Files.createDirectories(host.resolve("tree/sub"));
        Files.writeString(host.resolve("tree/sub/a.txt"), "alpha\n");
        Files.createSymbolicLink(host.resolve("tree/link"), Path.of("sub/a.txt"));
        assertEquals(0, ctr.run("cp", host.resolve("tree").toString(), "box:/tmp/tree").code());
        assertEquals("alpha\n", ctr.run("exec", "box", "--", "/probe", "cat", "/tmp/tree/link").out(), "in, the symlink kept as one");
        Path out = host.resolve("out");
        CtrCli.Run copiedOut = ctr.run("cp", "box:/tmp/tree", out.toString());
        assertEquals(0, copiedOut.code(), copiedOut.err());
        assertEquals("alpha\n", Files.readString(out.resolve("sub/a.txt")));
        assertTrue(Files.isSymbolicLink(out.resolve("link")));
        // a symlink in the container to /etc: what is copied through it lands in the container's /etc, not the host's
        assertEquals(0, ctr.run("exec", "box", "--", "/probe", "symlink", "/etc", "/tmp/etc-link").code());
        String name = "isobench-cp-" + ProcessHandle.current().pid();
        Files.writeString(host.resolve(name), "inside\n");
        CtrCli.Run through = ctr.run("cp", host.resolve(name).toString(), "box:/tmp/etc-link/" + name);
        assertEquals(0, through.code(), through.err());
        assertFalse(Files.exists(Path.of("/etc", name)), "nothing written on the host's /etc");
        assertEquals("inside\n", ctr.run("exec", "box", "--", "/probe", "cat", "/etc/" + name).out());
        oneLine(ctr.run("cp", "box:/nosuch", host.resolve("x").toString()), "nosuch");
        oneLine(ctr.run("cp", host.toString(), host.resolve("y").toString()), "one of SRC and DEST is CONTAINER:PATH");
        oneLine(ctr.run("cp", "box:relative", host.toString()), "must be absolute");
        oneLine(ctr.run("cp", "nosuch:/etc", host.toString()), "no such container: nosuch");
        assertEquals(0, ctr.run("stop", "-t", "0", "box").code());
        oneLine(ctr.run("cp", "box:/etc", host.toString()), "cp needs a running one");
        assertEquals(0, ctr.run("rm", "box").code());
        t.assertNoLeftovers();
    }

    private JsonNode inspect(String ref) throws Exception {
        CtrCli.Run r = ctr.run("inspect", ref);
        assertEquals(0, r.code(), r.err());
        JsonNode all = new ObjectMapper().readTree(r.out());
        assertEquals(1, all.size());
        return all.get(0);
    }

    private static void oneLine(CtrCli.Run r, String says) {
        assertTrue(r.code() != 0, "a non-zero exit: " + r);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(says), "'" + says + "' in: " + r.err());
    }

    /** Connects to the published port (the server may still be starting) and has a byte echoed. */
    private static void echo(int port) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.getOutputStream().write('x');
                int b = s.getInputStream().read();
                if (b == 'x') return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing echoed on 127.0.0.1:" + port, last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
