package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The escape table of docs/isolation.md, run as root inside a real container, with and without a user
 * namespace: every attempt must fail, with one of the errnos the table gives.
 */
@Tag("integration")
class EscapeTest {
    static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EACCES = 13, EROFS = 30, EXDEV = 18;

    @RegisterExtension
    final TestEngine t = new TestEngine();

    record Attempt(String what, List<String> probe, Set<Integer> errnos) {}

    static List<Attempt> table(long hostPid, int major, int minor) {
        List<Attempt> a = new ArrayList<>();
        a.add(openWrite("/proc/sysrq-trigger"));
        a.add(openWrite("/proc/sys/kernel/core_pattern"));
        a.add(openWrite("/sys/power/state"));
        a.add(new Attempt("mount a tmpfs", List.of("mount"), Set.of(EPERM)));
        a.add(new Attempt("mknod the host's root disk and open it", List.of("mknod-open", "b", Integer.toString(major), Integer.toString(minor)),
                Set.of(EPERM, EACCES)));
        a.add(new Attempt("ptrace a host process", List.of("ptrace", Long.toString(hostPid)), Set.of(EPERM)));
        a.add(new Attempt("signal a host process", List.of("kill", Long.toString(hostPid)), Set.of(ESRCH)));
        a.add(new Attempt("load a kernel module", List.of("module"), Set.of(EPERM)));
        a.add(new Attempt("set the clock", List.of("settime"), Set.of(EPERM)));
        a.add(new Attempt("raise its own pids limit", List.of("open-write", "/sys/fs/cgroup/pids.max"), Set.of(ENOENT, EROFS)));
        a.add(new Attempt("raise its own cpu limit (v1 path)", List.of("open-write", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Set.of(ENOENT, EROFS)));
        a.add(new Attempt("chroot back out to the host's /etc/hostname", List.of("chroot-out", "/etc/hostname"), Set.of(ENOENT)));
        a.add(new Attempt("open a host path via /proc/1/root", List.of("open-read", "/proc/1/root" + hostOnlyPath()), Set.of(ENOENT)));
        a.add(new Attempt("open a host path via /proc/self/cwd/..", List.of("open-read", "/proc/self/cwd/../../.." + hostOnlyPath()), Set.of(ENOENT)));
        a.add(new Attempt("create a user namespace", List.of("unshare-user"), Set.of(EPERM)));
        return a;
    }

    /** Read-only mounts answer EROFS; in a user namespace the host-root-owned file may answer EACCES first. */
    private static Attempt openWrite(String path) {
        Set<Integer> errnos = new java.util.HashSet<>(Set.of(EROFS, EACCES));
        if (!Files.exists(Path.of(path))) errnos.add(ENOENT); // this kernel has no such file at all
        return new Attempt("open " + path + " for writing", List.of("open-write", path), errnos);
    }

    /** A path that exists on the host and not in the probe image. */
    static String hostOnlyPath() {
        return "/etc/hostname";
    }

    @ParameterizedTest(name = "userns={0}")
    @ValueSource(booleans = {false, true})
    void everyAttemptInTheTableFailsWithItsErrno(boolean userns) throws Exception {
        assertTrue(Files.exists(Path.of(hostOnlyPath())), "the host must have " + hostOnlyPath() + " for the path checks to mean anything");
        var root = dev.isobench.engine.sys.DeviceNumber.ofFilesystem(Path.of("/"));
        int major = root.major(), minor = root.minor();
        Container c = t.start(spec(userns).command("/probe", "sleep", "60"));
        List<String> failures = new ArrayList<>();
        Pattern errno = Pattern.compile("errno (\\d+)");
        for (Attempt a : table(ProcessHandle.current().pid(), major, minor)) {
            List<String> argv = new ArrayList<>(List.of("/probe", "try"));
            argv.addAll(a.probe());
            Path out = t.root().resolve("try-" + System.nanoTime());
            c.exec(ExecSpec.of(argv.toArray(String[]::new)).withStdio(Stdio.toFiles(out, out)));
            String said = TestEngine.read(out).trim();
            Matcher m = errno.matcher(said);
            if (!m.find() || !a.errnos().contains(Integer.parseInt(m.group(1)))) failures.add(a.what() + ": expected errno " + a.errnos() + ", got '" + said + "'");
        }
        c.kill(9);
        c.waitFor();
        assertEquals(List.of(), failures);
    }

    private static ContainerSpec.Builder spec(boolean userns) {
        ContainerSpec.Builder b = ContainerSpec.builder();
        return userns ? b.userns(IdMap.remap(300000, 65536)) : b;
    }

    @ParameterizedTest(name = "userns={0}")
    @ValueSource(booleans = {false, true})
    void aWorkdirThroughAnInheritedFdCannotLandOnTheHost(boolean userns) {
        for (int fd = 3; fd < 48; fd++) {
            try {
                // From a cwd outside the root, ".." climbs to the host's own root.
                TestEngine.Result r = t.run(spec(userns).workdir("/proc/self/fd/" + fd)
                        .command("/probe", "try", "open-read", "../../../../../../../../.." + hostOnlyPath()));
                assertTrue(r.stdout().startsWith("errno " + ENOENT), "fd " + fd + ": " + r.stdout() + r.stderr());
            } catch (EngineException e) { // refused before the workload ran: the fd is closed or chdir saw it leave the root
                assertTrue(e.getMessage().contains("/proc/self/fd/" + fd), e.getMessage());
            }
        }
    }

    @Test
    void privilegedLiftsTheDeviceRulesCapabilitiesAndFilter() {
        ContainerSpec.Builder privileged = ContainerSpec.builder().privileged(true);
        // A node made inside: /dev/null's numbers, so opening it is harmless wherever it succeeds.
        assertEquals("ok", t.run(privileged.command("/probe", "try", "mknod-open", "c", "1", "3")).stdout().trim());
        assertTrue(t.run(ContainerSpec.builder().command("/probe", "try", "mknod-open", "c", "1", "3")).stdout().startsWith("errno " + EACCES));
        assertTrue(t.run(privileged.command("/probe", "status")).stdout().contains("Seccomp:\t0"));
        assertTrue(t.run(ContainerSpec.builder().command("/probe", "status")).stdout().contains("Seccomp:\t2"));
    }

    @Test
    void noProcessInsideCanOpenTheInitStageBinaryWhileExecSetsUp() throws Exception {
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "60"));
        Path watch = t.root().resolve("watch");
        Thread watcher = new Thread(() -> c.exec(ExecSpec.of("/probe", "try", "exe-watch", "3").withStdio(Stdio.toFiles(watch, watch))));
        watcher.start();
        Thread.sleep(200);
        Path out = t.root().resolve("exec");
        int execs = 0;
        while (watcher.isAlive() && execs < 200) {
            assertEquals(0, c.exec(ExecSpec.of("/probe", "true").withStdio(Stdio.toFiles(out, out))));
            execs++;
        }
        watcher.join();
        String said = TestEngine.read(watch);
        Matcher m = Pattern.compile("seen (\\d+) opened-foreign (\\d+)").matcher(said);
        assertTrue(m.find(), said);
        assertTrue(Long.parseLong(m.group(1)) > 0, "the watcher saw no other process, so it proved nothing: " + said);
        assertEquals("0", m.group(2), said);
        c.kill(9);
        c.waitFor();
    }
}
