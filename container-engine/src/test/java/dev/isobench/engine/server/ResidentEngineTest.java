package dev.isobench.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.TestEngine;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.runtime.Container;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code isobench ctr} through the thin C client and the resident engine it starts: exit codes and stdio as the
 * Java CLI gives them, -d then exec, Ctrl-C reaching the container, one engine for concurrent first calls, the
 * Java CLI as the fallback, and a kill -9 of the engine that gc cleans up after.
 */
@Tag("integration")
class ResidentEngineTest {
    @RegisterExtension
    final TestEngine test = new TestEngine();
    private Path client;
    private Map<String, String> env;

    @BeforeEach
    void client() throws IOException {
        Path dir = Files.createDirectories(test.root().resolve("client"));
        client = dir.resolve("isobench-client");
        try (InputStream in = getClass().getResourceAsStream("/dev/isobench/engine/native/isobench-client")) {
            Files.copy(in, client);
        }
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwxr-xr-x"));
        String java = "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path") + "'";
        env = Map.of("ISOBENCH_SERVE", "exec " + java + " dev.isobench.engine.server.EngineServer serve --root \"$1\" --idle-seconds 30 >> \"$1/engine.log\" 2>&1",
                "ISOBENCH_JVM", java + " dev.isobench.engine.cli.CtrCommand");
    }

    @AfterEach
    void stopEngine() throws IOException, InterruptedException {
        engine().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)); // TERM: it removes its socket
        for (int i = 0; i < 500 && engine().isPresent(); i++) Thread.sleep(10);
        assertFalse(Files.exists(dev.isobench.engine.state.ResidentEngineFiles.socketFor(test.root())), "the engine's socket is gone with it");
    }

    private java.util.Optional<Long> engine() {
        try {
            long pid = Long.parseLong(Files.readString(test.root().resolve(dev.isobench.engine.state.ResidentEngineFiles.PID)).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> pid);
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    record Result(int code, String out, String err) {}

    /** The engine removes a deleted container's files in the background, as the in-process engine does: waits for that. */
    private void noLeftovers() throws Exception {
        Path trash = test.root().resolve("trash");
        for (int i = 0; i < 500; i++) {
            try (var s = Files.list(trash)) {
                if (s.findAny().isEmpty()) break;
            } catch (java.nio.file.NoSuchFileException e) {
                break;
            }
            Thread.sleep(10);
        }
        test.assertNoLeftovers();
    }

    /** Each client's output, in files: a container inherits the client's stdio and would hold a pipe open as long as it runs. */
    private final Map<Process, Path[]> outputs = new java.util.concurrent.ConcurrentHashMap<>();

    private Process start(Map<String, String> environment, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(client.toString(), "ctr", "--root", test.root().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment);
        Path out = Files.createTempFile(test.root(), "out", ".txt");
        Path err = Files.createTempFile(test.root(), "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        outputs.put(p, new Path[] {out, err});
        return p;
    }

    private Result call(String... args) throws IOException, InterruptedException {
        return finish(start(env, args));
    }

    private Result finish(Process p) throws IOException, InterruptedException {
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "client did not finish");
        Path[] files = outputs.remove(p);
        if (files == null) {
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        Result r = new Result(p.exitValue(), Files.readString(files[0]), Files.readString(files[1]));
        Files.delete(files[0]);
        Files.delete(files[1]);
        return r;
    }

    @Test
    void exitCodesAndStdioAreTheJavaClis() throws Exception {
        Result ok = call("run", "--rm", "--net", "none", "--", "/probe", "true");
        assertEquals(0, ok.code(), ok.err());
        long pid = engine().orElseThrow(() -> new AssertionError("no engine was started"));
        assertEquals(1, call("run", "--rm", "--net", "none", "--", "/probe", "false").code());
        assertEquals(7, call("run", "--rm", "--net", "none", "--", "/probe", "exit", "7").code());
        Result host = call("run", "--rm", "--net", "none", "--hostname", "box", "--", "/probe", "hostname");
        assertEquals("box", host.out().trim(), "the container wrote to the client's own stdout");
        Process piped = start(env, "run", "--rm", "-i", "--net", "none", "--", "/probe", "cat", "/dev/stdin");
        piped.getOutputStream().write("through the pipe\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("through the pipe", finish(piped).out().trim(), "-i: the container read the client's own stdin");
        Result bad = call("run", "--nope");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--nope"), bad.err());
        assertEquals(pid, engine().orElseThrow(), "every call went to the one engine");
        noLeftovers();
    }

    @Test
    void detachedThenExecThenRemove() throws Exception {
        Result d = call("run", "-d", "--name", "svc", "--net", "none", "--", "/probe", "sleep", "30");
        assertEquals(0, d.code(), d.err());
        test.seen(d.out().trim());
        Result exec = call("exec", "svc", "--", "/probe", "hostname");
        assertEquals(0, exec.code(), exec.err());
        assertFalse(exec.out().isBlank(), "exec wrote to the client's stdout");
        assertEquals(3, call("exec", "svc", "--", "/probe", "exit", "3").code());
        assertTrue(call("ps").out().contains("svc"));
        assertEquals(0, call("rm", "-f", "svc").code());
        noLeftovers();
    }

    @Test
    void ctrlCReachesTheContainer() throws Exception {
        call("run", "--rm", "--net", "none", "--", "/probe", "true"); // the engine is up, so the signal meets a running container
        Process p = start(env, "run", "--rm", "--net", "none", "--", "/probe", "spin", "30");
        Container c = null;
        for (int i = 0; i < 500 && c == null; i++) {
            c = test.engine().list().stream().findFirst().orElse(null);
            if (c == null || !c.state().canExec()) c = null;
            Thread.sleep(10);
        }
        assertTrue(c != null, "the container started");
        test.seen(c.id());
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        Result r = finish(p);
        assertEquals(130, r.code(), "128 + SIGINT, as a CLI of its own: " + r.err());
        assertEquals("", r.err());
        noLeftovers();
    }

    /**
     * An engine that made cgroups ahead (v1, after its second create) removes them when it exits for being idle, as
     * on TERM: it halted once, and every idle exit left two groups in each hierarchy.
     */
    @Test
    void anIdleEngineExitsAndTakesItsPreparedGroupsAlong() throws Exception {
        Map<String, String> quick = new java.util.HashMap<>(env);
        quick.put("ISOBENCH_SERVE", env.get("ISOBENCH_SERVE").replace("--idle-seconds 30", "--idle-seconds 1"));
        for (int i = 0; i < 4; i++) {
            Result r = finish(start(quick, "run", "--rm", "--net", "none", "--", "/probe", "true"));
            assertEquals(0, r.code(), r.err());
        }
        long pid = engine().orElseThrow(() -> new AssertionError("the engine runs after its calls"));
        String prefix = "prepared-" + dev.isobench.engine.proc.ProcessInfo.of((int) pid).orElseThrow().tag() + "-";
        for (int i = 0; i < 200 && preparedGroups(prefix).isEmpty(); i++) Thread.sleep(10);
        assumeTrue(!preparedGroups(prefix).isEmpty(), "groups are made ahead on cgroup v1 only (v2 cannot rename a group)");
        for (int i = 0; i < 1000 && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent(); i++) Thread.sleep(10);
        assertFalse(ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent(), "the engine exits after 1 s idle");
        assertEquals(List.of(), preparedGroups(prefix), "its groups made ahead are gone with it");
    }

    /** The groups under isobench/ in every cgroup hierarchy whose name starts so. */
    private static List<Path> preparedGroups(String prefix) throws IOException {
        List<Path> found = new ArrayList<>();
        for (var m : dev.isobench.engine.proc.Mountinfo.read(Path.of("/proc/self/mountinfo"))) {
            if (!m.fsType().startsWith("cgroup")) continue;
            Path parent = m.mountPoint().resolve("isobench");
            if (!Files.isDirectory(parent)) continue;
            try (var s = Files.newDirectoryStream(parent, prefix + "*")) {
                s.forEach(found::add);
            }
        }
        return found;
    }

    @Test
    void concurrentFirstCallsStartOneEngine() throws Exception {
        List<Process> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) first.add(start(env, "run", "--rm", "--net", "none", "--", "/probe", "true"));
        for (Process p : first) {
            Result r = finish(p);
            assertEquals(0, r.code(), r.err());
        }
        long engines = dev.isobench.engine.proc.ProcessInfo.commandLines().values().stream()
                .filter(c -> c.contains("EngineServer serve --root " + test.root())).count();
        assertEquals(1, engines, "one resident engine per root");
    }

    @Test
    void withoutAnEngineTheJavaCliRunsAndSaysWhy() throws Exception {
        Result r = finish(start(Map.of("ISOBENCH_JVM", env.get("ISOBENCH_JVM")), "run", "--rm", "--net", "none", "--", "/probe", "exit", "3"));
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("no resident engine answers") && r.err().contains("running the Java CLI instead"), r.err());
        assertFalse(engine().isPresent());
    }

    /** The OCI verbs through the client: its monitors are the client's children, so podman's conmon reaps the container. */
    @Test
    void ociVerbsThroughTheClient() throws Exception {
        Path runtime = test.root().resolve("client").resolve("isobench-runtime");
        StringBuilder script = new StringBuilder("#!/bin/sh\n");
        env.forEach((k, v) -> script.append("export ").append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
        script.append("exec '").append(client).append("' oci --root '").append(test.root()).append("' \"$@\"\n");
        Files.writeString(runtime, script);
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bundle = Files.createDirectories(test.root().resolve("bundle"));
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        for (String d : List.of("dev", "proc", "sys")) Files.createDirectories(rootfs.resolve(d));
        Files.copy(test.engine().binaries().probe(), rootfs.resolve("probe"));
        Files.setPosixFilePermissions(rootfs.resolve("probe"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String config = dev.isobench.engine.oci.RuntimeFeatures.exampleConfig().replace("\"/probe\", \"true\"", "\"/probe\", \"spin\", \"30\"");
        Files.writeString(bundle.resolve("config.json"), config);
        assertEquals(0, exec(runtime, "create", "--bundle", bundle.toString(), "o1").code());
        long engine = engine().orElseThrow(() -> new AssertionError("no engine was started"));
        Container c = test.engine().findExact("o1").orElseThrow();
        test.seen(c.id());
        long parent = ProcessHandle.of(c.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        assertTrue(parent != engine, "the container does not descend from the engine: its monitor was the client's child");
        assertTrue(exec(runtime, "state", "o1").out().contains("\"created\""));
        assertEquals(0, exec(runtime, "start", "o1").code());
        assertTrue(exec(runtime, "state", "o1").out().contains("\"running\""));
        assertEquals(0, exec(runtime, "delete", "--force", "o1").code());
        assertEquals(1, exec(runtime, "state", "o1").code());
        Files.writeString(bundle.resolve("config.json"), dev.isobench.engine.oci.RuntimeFeatures.exampleConfig().replace("\"true\"", "\"false\""));
        assertEquals(1, exec(runtime, "run", "--bundle", bundle.toString(), "o2").code(), "run: a JVM of its own, which hears the code");
        if (new ProcessBuilder("sh", "-c", "command -v podman").start().waitFor() == 0) {
            List<String> podman = List.of("podman", "--runtime", runtime.toString(), "--cgroup-manager", "cgroupfs", "run", "--rm", "--network", "none",
                    "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--rootfs", rootfs.toString(), "/probe");
            assertEquals(0, finish(new ProcessBuilder(concat(podman, "true")).start()).code());
            assertEquals(1, finish(new ProcessBuilder(concat(podman, "false")).start()).code());
        }
        assertEquals(engine, engine().orElseThrow(), "one engine served it all");
        noLeftovers();
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }

    /** Output to files: a created container inherits the runtime's stdio, and would hold a pipe open until it exits. */
    private Result exec(Path runtime, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(runtime.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(test.root(), "out", ".txt");
        Path err = Files.createTempFile(test.root(), "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "runtime call did not finish");
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void aContainerOutlivesItsKilledClient() throws Exception {
        call("run", "--rm", "--net", "none", "--", "/probe", "true");
        Process p = start(env, "run", "--name", "orphan", "--net", "none", "--", "/probe", "sleep", "1");
        Container c = null;
        for (int i = 0; i < 500 && c == null; i++) {
            c = test.engine().findExact("orphan").filter(x -> x.state().canExec()).orElse(null);
            Thread.sleep(10);
        }
        assertTrue(c != null, "the container started");
        test.seen(c.id());
        p.destroyForcibly().waitFor();
        assertTrue(new ProcessInfo(c.pid(), c.record().pidStart()).isAlive(), "the engine, not the client, holds the container");
        for (int i = 0; i < 500 && !call("ps", "-a").out().contains("exited"); i++) Thread.sleep(10);
        assertTrue(call("ps", "-a").out().contains("exited (0)"), "it ran to its end and its code is recorded: " + call("ps", "-a").out());
        assertEquals(0, call("rm", "orphan").code());
        noLeftovers();
    }

    /** The engine SIGKILLed at every point of a create, start and delete (ISOBENCH_FAULT in its environment): gc leaves nothing. */
    @Test
    void anEngineKilledAtAnyPointLeavesWhatGcRemoves() throws Exception {
        for (String point : List.of("ROOTFS_READY", "CGROUP_READY", "SPAWNED", "CLONED", "READY", "STARTED", "DELETING", "RETIRED")) {
            Map<String, String> faulty = new java.util.HashMap<>(env);
            faulty.put("ISOBENCH_SERVE", "ISOBENCH_FAULT=cli@" + point + " " + env.get("ISOBENCH_SERVE"));
            Result r = finish(start(faulty, "run", "--rm", "--net", "none", "--", "/probe", "true"));
            assertEquals(125, r.code(), point + ": " + r.err());
            assertTrue(r.err().contains("the resident engine went away"), point + ": " + r.err());
            for (int i = 0; i < 500 && engine().isPresent(); i++) Thread.sleep(10);
            test.engine().list().forEach(x -> test.seen(x.id()));
            test.engine().gc(false);
            assertFalse(Files.exists(dev.isobench.engine.state.ResidentEngineFiles.socketFor(test.root())), point + ": socket left");
            noLeftovers();
        }
    }

    @Test
    void aKilledEngineLeavesWhatGcRemoves() throws Exception {
        call("run", "--rm", "--net", "none", "--", "/probe", "true");
        Process p = start(env, "run", "--net", "none", "--", "/probe", "spin", "30");
        Container c = null;
        for (int i = 0; i < 500 && c == null; i++) {
            c = test.engine().list().stream().filter(x -> x.state().canExec()).findFirst().orElse(null);
            Thread.sleep(10);
        }
        assertTrue(c != null, "the container started");
        test.seen(c.id());
        ProcessHandle killed = ProcessHandle.of(engine().orElseThrow()).orElseThrow();
        killed.destroyForcibly();
        Result r = finish(p);
        killed.onExit().get(10, TimeUnit.SECONDS); // the client hears its socket close a moment before the engine is gone
        assertEquals(125, r.code());
        assertTrue(r.err().contains("the resident engine went away"), r.err());
        assertTrue(new ProcessInfo(c.pid(), c.record().pidStart()).isAlive(), "the attached container runs on without its owner");
        assertTrue(test.engine().gc(false).containers().contains(c.id()), "gc takes it: its owner is gone");
        assertFalse(Files.exists(dev.isobench.engine.state.ResidentEngineFiles.socketFor(test.root())), "gc removes the killed engine's socket");
        assertFalse(Files.exists(test.root().resolve(dev.isobench.engine.state.ResidentEngineFiles.PID)));
        test.assertNoLeftovers();
    }
}
