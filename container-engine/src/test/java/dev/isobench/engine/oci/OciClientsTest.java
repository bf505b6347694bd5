package dev.isobench.engine.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.TestEngine;
import dev.isobench.engine.files.SafeDelete;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real clients drive the runtime end to end: podman's {@code --runtime} (through conmon) and containerd's runc
 * shim with isobench as its runc binary. Their exit codes, limits and states come out right and nothing of the
 * engine's is left. Each skips with the reason where its client is not installed.
 */
@Tag("integration")
class OciClientsTest {
    private static final List<String> ULIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

    @RegisterExtension
    final TestEngine test = new TestEngine();
    private RuntimeBinary runtime;
    private Path rootfs;

    @BeforeEach
    void runtime() throws IOException {
        Path dir = Files.createDirectories(test.root().resolve("work"));
        runtime = new RuntimeBinary(dir, test.root());
        rootfs = RuntimeBinary.probeRootfs(dir);
    }

    private static boolean installed(String tool) {
        return RuntimeBinary.exec(List.of("sh", "-c", "command -v " + tool), Path.of("/")).exitCode() == 0;
    }

    private RuntimeBinary.Result podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", runtime.path.toString(), "--cgroup-manager", "cgroupfs"));
        cmd.addAll(List.of(args));
        return RuntimeBinary.exec(cmd, runtime.path.getParent());
    }

    private RuntimeBinary.Result podmanRun(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
        cmd.addAll(ULIMITS);
        cmd.addAll(List.of(args));
        return podman(cmd.toArray(String[]::new));
    }

    @Test
    void podmanRunsTheProbeThroughIsobench() throws IOException {
        assumeTrue(installed("podman") && installed("conmon"), "needs podman and conmon (apt-get install podman)");
        List<Path> parentsBefore = libpodParents();
        try {
            RuntimeBinary.Result ok = podmanRun("--rootfs", rootfs.toString(), "/probe", "true");
            assertEquals(0, ok.exitCode(), ok.stderr());
            assertEquals(1, podmanRun("--rootfs", rootfs.toString(), "/probe", "false").exitCode());
            RuntimeBinary.Result oom = podmanRun("--memory", "64m", "--memory-swap", "64m", "--rootfs", rootfs.toString(), "/probe", "alloc", "256");
            assertEquals(137, oom.exitCode(), "allocating 256 MiB under --memory 64m is an OOM kill: " + oom.stderr());

            String name = "isobench-test-" + ProcessHandle.current().pid();
            List<String> detached = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none", "--cpus", "0.5"));
            detached.addAll(ULIMITS);
            detached.addAll(List.of("--rootfs", rootfs.toString(), "/probe", "spin", "60"));
            RuntimeBinary.Result d = podman(detached.toArray(String[]::new));
            assertEquals(0, d.exitCode(), d.stderr());
            try {
                assertEquals("running", podman("inspect", "-f", "{{.State.Status}}", name).stdout().trim());
                int pid = Integer.parseInt(podman("inspect", "-f", "{{.State.Pid}}", name).stdout().trim());
                test.seen(test.engine().list().get(0).id());
                assertEquals("50000", cpuQuota(pid), "--cpus 0.5 is a quota of 50000 us in 100000");
                assertEquals(0, podman("kill", "--signal", "KILL", name).exitCode());
                assertEquals(0, podman("wait", name).exitCode());
                assertEquals("exited", podman("inspect", "-f", "{{.State.Status}}", name).stdout().trim());
            } finally {
                podman("rm", "-f", name);
            }
            test.assertNoLeftovers();
        } finally {
            removeNewLibpodParents(parentsBefore);
        }
    }

    @Test
    void containerdsRuncShimRunsIsobenchAsItsRuncBinary() throws IOException, InterruptedException {
        assumeTrue(installed("containerd") && installed("ctr") && installed("containerd-shim-runc-v2"),
                "needs containerd, ctr and containerd-shim-runc-v2 (apt-get install containerd)");
        boolean hadRunDir = Files.exists(Path.of("/run/containerd"));
        Path dir = Files.createDirectories(test.root().resolve("containerd"));
        Path socket = dir.resolve("c.sock");
        Files.writeString(dir.resolve("config.toml"), "version = 2\nroot = \"" + dir.resolve("root") + "\"\nstate = \"" + dir.resolve("state")
                + "\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \"" + socket + "\"\n");
        Process containerd = new ProcessBuilder("containerd", "-c", dir.resolve("config.toml").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Path runcRoot = dir.resolve("runc-root");
        try {
            for (int i = 0; i < 300 && !Files.exists(socket); i++) Thread.sleep(20);
            assertTrue(Files.exists(socket), "containerd did not start: " + Files.readString(dir.resolve("containerd.log")));
            List<String> ctr = List.of("ctr", "--address", socket.toString(), "--namespace", "isobench-test", "run", "--rm",
                    "--runc-binary", runtime.path.toString(), "--runc-root", runcRoot.toString(), "--fifo-dir", dir.resolve("fifo").toString(),
                    "--rootfs", rootfs.toString());
            RuntimeBinary.Result ok = RuntimeBinary.exec(concat(ctr, "c1", "/probe", "true"), dir);
            assertEquals(0, ok.exitCode(), ok.stderr());
            assertEquals(1, RuntimeBinary.exec(concat(ctr, "c2", "/probe", "false"), dir).exitCode());
            Path engineRoot = runcRoot.resolve("isobench-test"); // the shim's --root: runc-root/namespace
            assertTrue(Files.isDirectory(engineRoot.resolve("containers")), "the shim ran isobench with its own --root");
            try (var left = Files.list(engineRoot.resolve("containers"))) {
                assertEquals(List.of(), left.toList(), "containers left in the shim's root");
            }
        } finally {
            containerd.destroy();
            if (!containerd.waitFor(10, TimeUnit.SECONDS)) containerd.destroyForcibly().waitFor();
            if (Files.isDirectory(runcRoot)) SafeDelete.tree(runcRoot);
            if (!hadRunDir) SafeDelete.tree(Path.of("/run/containerd")); // shim sockets and fifos containerd 1.6 keeps there
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static String cpuQuota(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].contains("cpu") && !f[1].contains("cpuset") && !f[1].contains("cpuacct") || f[1].equals("cpu,cpuacct")) {
                return Files.readString(Path.of("/sys/fs/cgroup", f[1], f[2], "cpu.cfs_quota_us")).trim();
            }
            if (f[1].isEmpty() && f[0].equals("0") && Files.exists(Path.of("/sys/fs/cgroup", f[2], "cpu.max"))) {
                return Files.readString(Path.of("/sys/fs/cgroup", f[2], "cpu.max")).trim().split(" ")[0];
            }
        }
        throw new AssertionError("no cpu cgroup for pid " + pid);
    }

    /** podman's cgroupfs manager makes libpod_parent (with conmon) in each hierarchy it touches; the test removes the ones it made. */
    private static List<Path> libpodParents() throws IOException {
        List<Path> found = new ArrayList<>();
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                if (Files.isDirectory(h.resolve("libpod_parent"))) found.add(h.resolve("libpod_parent"));
            }
        }
        if (Files.isDirectory(Path.of("/sys/fs/cgroup/libpod_parent"))) found.add(Path.of("/sys/fs/cgroup/libpod_parent"));
        return found;
    }

    private static void removeNewLibpodParents(List<Path> before) throws IOException {
        for (Path p : libpodParents()) {
            if (before.contains(p)) continue;
            try (var children = Files.list(p)) {
                for (Path c : children.filter(Files::isDirectory).toList()) Files.deleteIfExists(c);
            } catch (IOException e) {
                // a group with processes in it: another podman's, left alone
            }
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // still in use
            }
        }
    }
}
