package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.ConformanceRuntime.linux;
import static dev.isobench.engine.oci.ConformanceRuntime.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Checks of an OCI runtime, each named after a MUST statement of the runtime spec (config.md, config-linux.md,
 * runtime.md) and written against runc's command line only, so the same check runs on any runtime. The container's
 * side is read with the probe (its own view of ids, mounts, files); the cgroup ones are in {@link OciCgroupChecks}.
 */
final class OciChecks {
    /** One MUST statement and how to see that a runtime keeps it. */
    record Check(String statement, Body body) {}

    interface Body {
        void verify(ConformanceRuntime rt) throws Exception;
    }

    private OciChecks() {}

    static RuntimeBinary.Result ok(ConformanceRuntime rt, ObjectNode config) {
        RuntimeBinary.Result r = rt.runToEnd(config);
        assertEquals(0, r.exitCode(), rt.name + " run failed: " + r.stderr() + r.stdout());
        return r;
    }

    static void refused(ConformanceRuntime rt, ObjectNode config) {
        RuntimeBinary.Result r = rt.runToEnd(config);
        assertNotEquals(0, r.exitCode(), "the runtime ran the container: " + r.stdout());
    }

    /** The mountinfo line of a mount point, split in fields. */
    static List<String> mountLine(String mountinfo, String point) {
        for (String line : mountinfo.split("\n")) {
            List<String> f = Arrays.asList(line.split(" "));
            if (f.size() > 4 && f.get(4).equals(point)) return f;
        }
        throw new AssertionError("no mount at " + point + " in:\n" + mountinfo);
    }

    /** The lines of a uid_map or gid_map, with the kernel's column padding taken out. */
    static List<String> idMap(String text) {
        return text.lines().map(l -> l.trim().replaceAll(" +", " ")).filter(l -> !l.isEmpty()).toList();
    }

    static ObjectNode withCaps(ObjectNode config, String... caps) {
        ObjectNode c = (ObjectNode) config.get("process").get("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            var a = c.withArray(set);
            for (String cap : caps) a.add(cap);
        }
        return config;
    }

    static final List<Check> ALL = List.of(
            new Check("config.md root.path: the runtime MUST use the path as the container's root", rt ->
                    assertTrue(ok(rt, process(rt.config(), "/probe", "ls", "/")).stdout().contains("probe"))),
            new Check("config.md root.readonly: true MUST make the container's root filesystem read-only", rt ->
                    refused(rt, process(rt.config(), "/probe", "write", "/written", "x"))),
            new Check("config.md process.args: the runtime MUST run the program with these arguments", rt ->
                    assertEquals("one two\n", ok(rt, process(rt.config(), "/probe", "echo", "one", "two")).stdout())),
            new Check("config.md process.cwd: the runtime MUST set it as the working directory", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "cwd");
                ((ObjectNode) c.get("process")).put("cwd", "/mnt");
                assertEquals("/mnt\n", ok(rt, c).stdout());
            }),
            new Check("config.md process.env: the runtime MUST set the environment", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "env");
                ((ObjectNode) c.get("process")).withArray("env").add("CONFORMANCE=yes");
                assertTrue(ok(rt, c).stdout().contains("CONFORMANCE=yes\n"));
            }),
            new Check("config.md process.user: the process MUST run with the uid and gid given", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "id");
                ((ObjectNode) c.get("process")).putObject("user").put("uid", 1000).put("gid", 1001);
                assertTrue(ok(rt, c).stdout().startsWith("uid 1000\ngid 1001\n"));
            }),
            new Check("config.md hostname: the runtime MUST set the container's hostname", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "hostname");
                c.put("hostname", "conformance");
                assertEquals("conformance\n", ok(rt, c).stdout());
            }),
            new Check("config.md mounts: the runtime MUST mount each entry at its destination", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "mounts");
                c.withArray("mounts").addObject().put("destination", "/mnt").put("type", "tmpfs").put("source", "tmpfs")
                        .putArray("options").add("nosuid").add("size=1m");
                List<String> mnt = mountLine(ok(rt, c).stdout(), "/mnt");
                assertEquals("tmpfs", mnt.get(mnt.indexOf("-") + 1));
            }),
            new Check("config.md annotations: an unknown annotation key MUST NOT be an error", rt -> {
                ObjectNode c = rt.config();
                c.putObject("annotations").put("org.isobench.conformance.unknown", "");
                ok(rt, c);
            }),
            new Check("config.md extensibility: an unknown property MUST NOT be an error", rt -> {
                ObjectNode c = rt.config();
                c.put("conformanceUnknownProperty", "ignored");
                ((ObjectNode) c.get("process")).put("conformanceUnknownProperty", 1);
                ok(rt, c);
            }),
            new Check("config-linux.md namespaces: a new namespace of each type listed MUST be made (pid: the process is 1)", rt ->
                    assertEquals("1\n", ok(rt, process(rt.config(), "/probe", "pid")).stdout())),
            new Check("config-linux.md namespaces: a path whose namespace is not of the entry's type MUST be an error", rt -> {
                ObjectNode c = rt.config();
                for (JsonNode ns : linux(c).withArray("namespaces")) {
                    if (ns.path("type").asText().equals("cgroup")) ((ObjectNode) ns).put("path", "/proc/self/ns/ipc");
                }
                refused(rt, c);
            }),
            new Check("config-linux.md uidMappings/gidMappings: the runtime MUST map the ids as given (several ranges, other container ids)", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "cat", "/proc/self/uid_map");
                linux(c).withArray("namespaces").addObject().put("type", "user");
                linux(c).withArray("uidMappings").addObject().put("containerID", 0).put("hostID", 200000).put("size", 1000);
                linux(c).withArray("uidMappings").addObject().put("containerID", 1000).put("hostID", 300000).put("size", 64536);
                linux(c).withArray("gidMappings").addObject().put("containerID", 0).put("hostID", 400000).put("size", 65536);
                assertEquals(List.of("0 200000 1000", "1000 300000 64536"), idMap(ok(rt, c).stdout()));
            }),
            new Check("config-linux.md uidMappings: a full mapping from host id 0 MUST be applied", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "cat", "/proc/self/gid_map");
                linux(c).withArray("namespaces").addObject().put("type", "user");
                linux(c).withArray("uidMappings").addObject().put("containerID", 0).put("hostID", 0).put("size", 4294967295L);
                linux(c).withArray("gidMappings").addObject().put("containerID", 0).put("hostID", 0).put("size", 4294967295L);
                assertEquals(List.of("0 0 4294967295"), idMap(ok(rt, c).stdout()));
            }),
            new Check("config-linux.md devices: the runtime MUST make the node with its type, numbers and fileMode", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "stat", "/dev/conformance-null");
                linux(c).withArray("devices").addObject().put("type", "c").put("path", "/dev/conformance-null").put("major", 1).put("minor", 3)
                        .put("fileMode", 0620);
                linux(c).withObject("/resources").withArray("devices").addObject().put("allow", true).put("type", "c").put("major", 1).put("minor", 3)
                        .put("access", "rwm");
                assertTrue(ok(rt, c).stdout().startsWith("mode 20620\n"));
            }),
            new Check("config-linux.md maskedPaths: the runtime MUST mask the path so the container cannot read it", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "cat", "/proc/cmdline");
                linux(c).withArray("maskedPaths").add("/proc/cmdline");
                assertEquals("", ok(rt, c).stdout());
            }),
            new Check("config-linux.md readonlyPaths: the runtime MUST make the path read-only in the container", rt -> {
                ObjectNode c = withCaps(process(rt.config(), "/probe", "write", "/proc/sys/kernel/domainname", "x"), "CAP_SYS_ADMIN");
                refused(rt, c);
                linux(c).withArray("readonlyPaths").removeAll();
                ok(rt, c); // the same write without the entry: only the entry stops it
            }),
            new Check("config-linux.md sysctl: the runtime MUST set the parameter in the container's namespace", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "cat", "/proc/sys/net/ipv4/ip_forward");
                linux(c).putObject("sysctl").put("net.ipv4.ip_forward", "1");
                assertEquals("1\n", ok(rt, c).stdout());
            }),
            new Check("config-linux.md rootfsPropagation: shared MUST make the container's root a shared mount", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "mounts");
                linux(c).put("rootfsPropagation", "shared");
                List<String> root = mountLine(ok(rt, c).stdout(), "/");
                assertTrue(root.subList(6, root.indexOf("-")).stream().anyMatch(f -> f.startsWith("shared:")), "/ is not shared: " + root);
            }),
            new Check("config-linux.md rootfsPropagation: unbindable MUST make the container's root unbindable", rt -> {
                ObjectNode c = process(rt.config(), "/probe", "mounts");
                linux(c).put("rootfsPropagation", "unbindable");
                List<String> root = mountLine(ok(rt, c).stdout(), "/");
                assertTrue(root.subList(6, root.indexOf("-")).contains("unbindable"), "/ is not unbindable: " + root);
            }),
            new Check("runtime.md lifecycle: create MUST leave the process created with its pid, start MUST run it, delete MUST remove the container", rt -> {
                String id = rt.id();
                try {
                    assertEquals(0, rt.create(process(rt.config(), "/probe", "true"), id).exitCode());
                    JsonNode created = rt.state(id);
                    assertEquals("created", created.path("status").asText());
                    assertTrue(created.path("pid").asInt() > 0, "state has the pid: " + created);
                    assertEquals(id, created.path("id").asText());
                    assertEquals(0, rt.run("start", id).exitCode());
                    assertEquals("stopped", rt.awaitStatus(id, "stopped"));
                    assertEquals(0, rt.run("delete", id).exitCode());
                    assertNull(rt.state(id), "state of a deleted container is an error");
                } finally {
                    rt.run("delete", "--force", id);
                }
            }),
            new Check("runtime.md create: an id already in use MUST be an error", rt -> {
                String id = rt.id();
                try {
                    assertEquals(0, rt.create(rt.config(), id).exitCode());
                    assertNotEquals(0, rt.create(rt.config(), id).exitCode());
                    assertEquals("created", rt.state(id).path("status").asText(), "the first container is as it was");
                } finally {
                    rt.run("delete", "--force", id);
                }
            }),
            new Check("runtime.md delete: deleting a running container MUST be an error and leave it running", rt -> {
                String id = rt.id();
                try {
                    assertEquals(0, rt.create(process(rt.config(), "/probe", "spin", "60"), id).exitCode());
                    assertEquals(0, rt.run("start", id).exitCode());
                    assertNotEquals(0, rt.run("delete", id).exitCode());
                    assertEquals("running", rt.state(id).path("status").asText());
                    assertEquals(0, rt.run("kill", id, "KILL").exitCode(), "kill MUST send the signal");
                    assertEquals("stopped", rt.awaitStatus(id, "stopped"));
                } finally {
                    rt.run("delete", "--force", id);
                }
            }),
            new Check("config.md hooks: createRuntime and poststart hooks MUST be called with the state on stdin", rt -> {
                ObjectNode c = rt.config();
                java.nio.file.Path out = rt.bundle.resolveSibling("hook-" + System.nanoTime());
                for (String phase : List.of("createRuntime", "poststart")) {
                    c.withObject("/hooks").withArray(phase).addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                            .add("cat >> " + out + "; echo >> " + out);
                }
                ok(rt, c);
                List<String> lines = java.nio.file.Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
                java.nio.file.Files.deleteIfExists(out);
                assertEquals(2, lines.size(), "one state per hook: " + lines);
                JsonNode createRuntime = ConformanceRuntime.JSON.readTree(lines.get(0));
                JsonNode poststart = ConformanceRuntime.JSON.readTree(lines.get(1));
                // createRuntime runs while the process waits to start: its pid is there; by poststart a /probe true may be gone
                assertTrue(createRuntime.path("pid").asInt() > 0, "createRuntime's state has the pid: " + lines.get(0));
                assertTrue(!createRuntime.path("id").asText().isEmpty() && createRuntime.path("id").equals(poststart.path("id"))
                        && poststart.has("ociVersion") && poststart.has("status"), "both are the container's state: " + lines);
            }));
}
