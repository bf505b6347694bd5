package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.ConformanceRuntime.linux;
import static dev.isobench.engine.oci.ConformanceRuntime.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.oci.OciChecks.Check;
import dev.isobench.engine.proc.Mountinfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The cgroup statements, seen from the host as any runtime's caller sees them: /proc/PID/cgroup of the container's
 * process, the limit's file in the pids hierarchy (v1) or the unified one (v2), and what is left after delete.
 */
final class OciCgroupChecks {
    private OciCgroupChecks() {}

    /** The pids controller's hierarchy: its mount point, and the /proc/PID/cgroup line prefix that names it. */
    record Pids(Path mount, String procLine) {
        static Optional<Pids> find() {
            List<Mountinfo.Entry> mounts = Mountinfo.read(Path.of("/proc/self/mountinfo"));
            for (Mountinfo.Entry m : mounts) {
                if (m.fsType().equals("cgroup2") && m.mountPoint().equals(Path.of("/sys/fs/cgroup"))) return Optional.of(new Pids(m.mountPoint(), "0::"));
            }
            for (Mountinfo.Entry m : mounts) {
                if (m.fsType().equals("cgroup") && m.superOptions().contains("pids")) return Optional.of(new Pids(m.mountPoint(), "pids"));
            }
            return Optional.empty();
        }

        /** The container process's group in this hierarchy, as /proc/PID/cgroup names it. */
        String groupOf(int pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"))) {
                String[] f = line.split(":", 3);
                if (procLine.equals("0::") ? line.startsWith("0::") : List.of(f[1].split(",")).contains("pids")) return f[2];
            }
            throw new AssertionError("no pids line in /proc/" + pid + "/cgroup");
        }
    }

    private static Pids pids() {
        return Pids.find().orElseThrow(() -> new org.opentest4j.TestAbortedException("no pids controller on this host"));
    }

    /** Removes what a check's unique parent left in any hierarchy (runc leaves the parents it made), deepest first. */
    static void clean(String tag) throws IOException {
        for (Mountinfo.Entry m : Mountinfo.read(Path.of("/proc/self/mountinfo"))) {
            if (!m.fsType().startsWith("cgroup")) continue;
            for (Path top : List.of(m.mountPoint().resolve(tag), m.mountPoint().resolve("isobench").resolve(tag))) {
                if (!Files.isDirectory(top)) continue;
                List<Path> dirs;
                try (Stream<Path> s = Files.walk(top)) {
                    dirs = new ArrayList<>(s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList());
                }
                for (Path d : dirs) Files.deleteIfExists(d);
            }
        }
    }

    private static String tag() {
        return "isb-conformance-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** Creates and starts a spinning container at the cgroupsPath with a pids limit; returns its pid. */
    private static int started(ConformanceRuntime rt, String id, String cgroupsPath) {
        ObjectNode c = process(rt.config(), "/probe", "spin", "60");
        linux(c).put("cgroupsPath", cgroupsPath);
        linux(c).withObject("/resources").putObject("pids").put("limit", 77);
        RuntimeBinary.Result r = rt.create(c, id);
        assertEquals(0, r.exitCode(), rt.name + " create: " + r.stderr());
        assertEquals(0, rt.run("start", id).exitCode());
        return rt.state(id).path("pid").asInt();
    }

    static final List<Check> ALL = List.of(
            new Check("config-linux.md cgroupsPath: an absolute path MUST put the container's processes in that cgroup, with its limits", rt -> {
                Pids pids = pids();
                String tag = tag();
                String id = rt.id();
                try {
                    int pid = started(rt, id, "/" + tag + "/ctr");
                    assertEquals("/" + tag + "/ctr", pids.groupOf(pid));
                    assertEquals("77", Files.readString(pids.mount().resolve(tag).resolve("ctr").resolve("pids.max")).trim());
                    rt.run("kill", id, "KILL");
                    rt.awaitStatus(id, "stopped");
                    assertEquals(0, rt.run("delete", id).exitCode());
                    assertFalse(Files.exists(pids.mount().resolve(tag).resolve("ctr")), "runtime.md delete: the cgroup create made MUST be deleted");
                } finally {
                    rt.run("delete", "--force", id);
                    clean(tag);
                }
            }),
            new Check("config-linux.md cgroupsPath: a relative path MUST put the container's processes in a cgroup at that path", rt -> {
                Pids pids = pids();
                String tag = tag();
                String id = rt.id();
                try {
                    int pid = started(rt, id, tag + "/ctr");
                    assertTrue(pids.groupOf(pid).endsWith("/" + tag + "/ctr"), "in " + pids.groupOf(pid));
                } finally {
                    rt.run("delete", "--force", id);
                    clean(tag);
                }
            }),
            new Check("runtime.md delete: resources associated with the container but not created by it MUST NOT be deleted", rt -> {
                Pids pids = pids();
                String tag = tag();
                String id = rt.id();
                Files.createDirectory(pids.mount().resolve(tag));
                try {
                    started(rt, id, "/" + tag + "/ctr");
                    rt.run("kill", id, "KILL");
                    rt.awaitStatus(id, "stopped");
                    assertEquals(0, rt.run("delete", id).exitCode());
                    assertTrue(Files.isDirectory(pids.mount().resolve(tag)), "the cgroup that was there before create is still there");
                } finally {
                    rt.run("delete", "--force", id);
                    clean(tag);
                }
            }));
}
