package dev.isobench.engine.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.TestEngine;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.runtime.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runtime's verbs as a client calls them: a process per verb, runc's exit codes and messages, the spec's
 * state JSON, hooks at their points, and nothing left after delete or after a refused create.
 */
@Tag("integration")
class OciRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestEngine test = new TestEngine();
    private RuntimeBinary runtime;
    private Path bundle;
    private ObjectNode config;

    @BeforeEach
    void bundle() throws IOException {
        Path dir = Files.createDirectories(test.root().resolve("work"));
        runtime = new RuntimeBinary(dir, test.root());
        bundle = Files.createDirectories(dir.resolve("bundle"));
        RuntimeBinary.probeRootfs(bundle);
        config = (ObjectNode) JSON.readTree(RuntimeFeatures.exampleConfig());
        write();
    }

    private void write() throws IOException {
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));
    }

    private void args(String... argv) throws IOException {
        var a = ((ObjectNode) config.get("process")).putArray("args");
        for (String s : argv) a.add(s);
        write();
    }

    private JsonNode state(String id) throws IOException {
        RuntimeBinary.Result r = runtime.run("state", id);
        assertEquals(0, r.exitCode(), r.stderr());
        return JSON.readTree(r.stdout());
    }

    @Test
    void createStartStateKillDelete() throws IOException {
        args("/probe", "spin", "60");
        Path pidFile = bundle.resolve("pid");
        RuntimeBinary.Result created = runtime.run("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), "c1");
        assertEquals(0, created.exitCode(), created.stderr());
        JsonNode s = state("c1");
        assertStateSchema(s);
        assertEquals("created", s.get("status").asText());
        int pid = s.get("pid").asInt();
        assertEquals(Integer.toString(pid), Files.readString(pidFile));
        Container c = test.engine().findExact("c1").orElseThrow();
        test.seen(c.id());
        assertTrue(ProcessInfo.of(c.record().monitorPid()).isEmpty(), "no monitor stays: the caller's subreaper has the container");

        assertEquals(0, runtime.run("start", "c1").exitCode());
        assertEquals("running", state("c1").get("status").asText());
        RuntimeBinary.Result ps = runtime.run("ps", "--format", "json", "c1");
        assertEquals("[" + pid + "]", ps.stdout().trim());
        RuntimeBinary.Result refused = runtime.run("delete", "c1");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("that is not stopped: running"), refused.stderr());

        assertEquals(0, runtime.run("kill", "c1", "KILL").exitCode());
        for (int i = 0; i < 200 && !state("c1").get("status").asText().equals("stopped"); i++) sleep(10);
        JsonNode stopped = state("c1");
        assertStateSchema(stopped);
        assertEquals("stopped", stopped.get("status").asText());
        RuntimeBinary.Result notRunning = runtime.run("kill", "c1");
        assertEquals(1, notRunning.exitCode());
        assertTrue(notRunning.stderr().contains("container not running"), notRunning.stderr());
        assertEquals(0, runtime.run("delete", "c1").exitCode());
        RuntimeBinary.Result gone = runtime.run("state", "c1");
        assertEquals(1, gone.exitCode());
        assertTrue(gone.stderr().contains("container does not exist"), gone.stderr());
        assertEquals(0, runtime.run("delete", "--force", "c1").exitCode(), "delete --force of a missing container succeeds, as runc's");
        test.assertNoLeftovers();
    }

    @Test
    void runReturnsTheContainersExitCode() throws IOException {
        args("/probe", "true");
        assertEquals(0, runtime.run("run", "--bundle", bundle.toString(), "r1").exitCode());
        args("/probe", "false");
        assertEquals(1, runtime.run("run", "--bundle", bundle.toString(), "r2").exitCode());
        test.assertNoLeftovers();
    }

    /**
     * The bundle {@code runc spec} writes, unchanged but for its command and terminal: its ambient capabilities are
     * not inheritable, which runc leaves out (the kernel cannot raise them) and so does the engine, with a warning.
     */
    @Test
    void theBundleRuncSpecWritesRunsAsItIs() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "needs runc, whose spec command writes the bundle");
        Files.delete(bundle.resolve("config.json"));
        Process spec = new ProcessBuilder("runc", "spec", "--bundle", bundle.toString()).redirectErrorStream(true).start();
        try {
            assertEquals(0, spec.waitFor(), new String(spec.getInputStream().readAllBytes()));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        assertTrue(config.path("process").path("capabilities").path("ambient").size() > 0
                && config.path("process").path("capabilities").path("inheritable").isMissingNode(), "runc spec's ambient set: " + config.path("process"));
        ((ObjectNode) config.get("process")).put("terminal", false);
        args("/probe", "true");
        RuntimeBinary.Result r = runtime.run("run", "--bundle", bundle.toString(), "spec1");
        assertEquals(0, r.exitCode(), r.stderr());
        test.assertNoLeftovers();
    }

    /** linux.devices' nodes get the permission bits the config asks for, whatever the caller's umask; 0666 where it asks none. */
    @Test
    void deviceNodesGetTheirFileModeExactly() throws IOException {
        var devices = ((ObjectNode) config.get("linux")).putArray("devices");
        devices.addObject().put("type", "c").put("path", "/dev/isb-null").put("major", 1).put("minor", 3).put("fileMode", 0600);
        devices.addObject().put("type", "c").put("path", "/dev/isb-null-default").put("major", 1).put("minor", 3);
        for (String[] c : new String[][] {{"/dev/isb-null", "mode 20600"}, {"/dev/isb-null-default", "mode 20666"}}) {
            args("/probe", "stat", c[0]);
            RuntimeBinary.Result r = runtime.run("run", "--bundle", bundle.toString(), "dev" + c[0].length());
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().startsWith(c[1] + "\n"), c[0] + ": " + r.stdout());
        }
        test.assertNoLeftovers();
    }

    @Test
    void hooksRunAtTheirPointsWithTheState() throws IOException {
        args("/probe", "true");
        Path seen = bundle.resolve("hooks.log");
        var hooks = config.putObject("hooks");
        for (String phase : new String[] {"prestart", "createRuntime", "poststart", "poststop"}) {
            hooks.putArray(phase).addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                    .add("read -r s; echo " + phase + " \"$s\" >> " + seen);
        }
        write();
        assertEquals(0, runtime.run("create", "--bundle", bundle.toString(), "h1").exitCode());
        test.seen(test.engine().findExact("h1").orElseThrow().id());
        assertEquals(0, runtime.run("start", "h1").exitCode());
        for (int i = 0; i < 200 && !state("h1").get("status").asText().equals("stopped"); i++) sleep(10);
        assertEquals(0, runtime.run("delete", "h1").exitCode());
        var lines = Files.readAllLines(seen);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("prestart {") && lines.get(0).contains("\"status\":\"created\""), lines.get(0));
        assertTrue(lines.get(1).startsWith("createRuntime "));
        assertTrue(lines.get(2).startsWith("poststart ") && lines.get(2).contains("\"id\":\"h1\""));
        assertTrue(lines.get(3).startsWith("poststop "));
        test.assertNoLeftovers();
    }

    @Test
    void aFailingPrestartHookUndoesTheCreate() throws IOException {
        args("/probe", "true");
        config.putObject("hooks").putArray("prestart").addObject().put("path", "/bin/false");
        write();
        RuntimeBinary.Result r = runtime.run("create", "--bundle", bundle.toString(), "f1");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("prestart hook /bin/false failed with exit code 1"), r.stderr());
        test.assertNoLeftovers();
    }

    @Test
    void execOfAProcessJsonDetachedAndInTheForeground() throws IOException {
        args("/probe", "spin", "60");
        assertEquals(0, runtime.run("create", "--bundle", bundle.toString(), "e1").exitCode());
        test.seen(test.engine().findExact("e1").orElseThrow().id());
        assertEquals(0, runtime.run("start", "e1").exitCode());
        Path process = bundle.resolve("process.json");
        ObjectNode p = ((ObjectNode) config.get("process")).deepCopy();
        p.putArray("args").add("/probe").add("false");
        Files.writeString(process, JSON.writeValueAsString(p));
        assertEquals(1, runtime.run("exec", "--process", process.toString(), "e1").exitCode(), "the exec'd process's own code");
        p.putArray("args").add("/probe").add("spin").add("30");
        Files.writeString(process, JSON.writeValueAsString(p));
        Path pidFile = bundle.resolve("exec.pid");
        assertEquals(0, runtime.run("exec", "--process", process.toString(), "--detach", "--pid-file", pidFile.toString(), "e1").exitCode());
        int execPid = Integer.parseInt(Files.readString(pidFile));
        assertTrue(JSON.readTree(runtime.run("ps", "--format", "json", "e1").stdout()).toString().contains(Integer.toString(execPid)));
        assertEquals(0, runtime.run("delete", "--force", "e1").exitCode());
        test.assertNoLeftovers();
    }

    @Test
    void badInputIsOneLineWithRuncsCodeAndLeavesNothing() throws IOException {
        args("/probe", "true");
        RuntimeBinary.Result slash = runtime.run("create", "--bundle", bundle.toString(), "a/b");
        assertEquals(1, slash.exitCode());
        assertTrue(slash.stderr().contains("invalid id format"), slash.stderr());
        Files.delete(bundle.resolve("config.json"));
        RuntimeBinary.Result none = runtime.run("create", "--bundle", bundle.toString(), "b1");
        assertEquals(1, none.exitCode());
        assertTrue(none.stderr().contains("has no config.json"), none.stderr());
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", ");
        assertTrue(runtime.run("create", "--bundle", bundle.toString(), "b2").stderr().contains("is not valid JSON"));
        config.put("ociVersion", "2.0.0");
        write();
        assertTrue(runtime.run("create", "--bundle", bundle.toString(), "b3").stderr().contains("is not a 1.x runtime spec"));
        config.put("ociVersion", "1.0.2");
        ((ObjectNode) config.get("root")).put("path", "missing");
        write();
        assertTrue(runtime.run("create", "--bundle", bundle.toString(), "b4").stderr().contains("root.path"));
        ((ObjectNode) config.get("root")).put("path", "rootfs");
        write();
        assertEquals(0, runtime.run("create", "--bundle", bundle.toString(), "b5").exitCode());
        test.seen(test.engine().findExact("b5").orElseThrow().id());
        RuntimeBinary.Result twice = runtime.run("create", "--bundle", bundle.toString(), "b5");
        assertEquals(1, twice.exitCode());
        assertTrue(twice.stderr().contains("container with id exists: b5"), twice.stderr());
        assertEquals(0, runtime.run("delete", "b5").exitCode(), "a created container is deleted without --force, as runc's");
        RuntimeBinary.Result systemd = runtime.run("--systemd-cgroup", "state", "b5");
        assertEquals(1, systemd.exitCode());
        assertTrue(systemd.stderr().contains("--systemd-cgroup is not supported"));
        for (String s : new String[] {slash.stderr(), none.stderr()}) assertEquals(1, s.strip().lines().count(), s);
        test.assertNoLeftovers();
    }

    @Test
    void errorsGoToTheLogAsJsonLines() throws IOException {
        Path log = bundle.resolve("log.json");
        runtime.run("--log", log.toString(), "--log-format", "json", "state", "nope");
        JsonNode line = JSON.readTree(Files.readAllLines(log).get(0));
        assertEquals("error", line.get("level").asText());
        assertEquals("container does not exist", line.get("msg").asText());
        assertFalse(line.get("time").asText().isEmpty());
    }

    /** The runtime-spec's state schema (schema/state-schema.json), rule by rule. */
    static void assertStateSchema(JsonNode s) {
        for (String required : new String[] {"ociVersion", "id", "status", "bundle"}) assertTrue(s.has(required), "state lacks " + required + ": " + s);
        assertTrue(s.get("ociVersion").asText().matches("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z-.]+)?(?:\\+[0-9A-Za-z-.]+)?$"));
        assertTrue(s.get("id").isTextual() && s.get("bundle").isTextual());
        assertTrue(Set.of("creating", "created", "running", "stopped").contains(s.get("status").asText()));
        if (s.has("pid")) assertTrue(s.get("pid").isIntegralNumber() && s.get("pid").asLong() >= 0);
        if (s.has("annotations")) {
            assertTrue(s.get("annotations").isObject());
            for (Iterator<JsonNode> it = s.get("annotations").elements(); it.hasNext(); ) assertTrue(it.next().isTextual());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
