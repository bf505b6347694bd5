package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.TestEngine.Result;
import dev.isobench.engine.proc.Mountinfo;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each isolation property, seen from inside a real container. */
@Tag("integration")
class ContainerIsolationTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @ParameterizedTest
    @EnumSource(value = RootfsMode.class, names = {"OVERLAY", "COPY"})
    void firstProcessIsPidOneAndProcShowsOnlyTheContainer(RootfsMode rootfs) {
        assertEquals(List.of("1"), t.run(ContainerSpec.builder().rootfs(rootfs).command("/probe", "pid")).lines());
        assertEquals(List.of("1"), t.run(ContainerSpec.builder().rootfs(rootfs).command("/probe", "ps")).lines());
    }

    @Test
    void hostnameIsTheContainersOwnAndTheHostsIsUnchanged() throws Exception {
        String before = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        assertEquals(List.of("box-1"), t.run(ContainerSpec.builder().hostname("box-1").command("/probe", "hostname")).lines());
        assertEquals(before, Files.readString(Path.of("/proc/sys/kernel/hostname")));
    }

    @Test
    void hostnameDefaultsToTheContainerId() {
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        Path out = t.root().resolve("exec-out");
        assertEquals(0, c.exec(ExecSpec.of("/probe", "hostname").withStdio(Stdio.toFiles(out, out))));
        assertEquals(c.id(), TestEngine.read(out).trim());
    }

    @Test
    void theEnginesMountsExistOnlyInsideTheContainer() {
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        Path rootfs = dev.isobench.engine.rootfs.OverlayProvisioner.mountPoint(c.dir().path());
        for (Mountinfo.Entry m : Mountinfo.read(Path.of("/proc/self/mountinfo"))) {
            assertFalse(m.mountPoint().startsWith(c.dir().path()) || m.mountPoint().startsWith(rootfs), "host sees the container's mount " + m.mountPoint());
        }
        List<Mountinfo.Entry> inside = Mountinfo.read(Path.of("/proc", Integer.toString(c.pid()), "mountinfo"));
        assertTrue(inside.stream().anyMatch(m -> m.mountPoint().equals(Path.of("/")) && m.fsType().equals("overlay")), "overlay root inside");
        assertTrue(inside.stream().noneMatch(m -> m.mountPoint().startsWith(rootfs)), "old root still visible inside");
    }

    @Test
    void aMountAttemptInsideIsRefused() {
        Result r = t.run("/probe", "mount-tmpfs", "/tmp");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("Operation not permitted"), r.stderr());
    }

    @Test
    void hostPathsOutsideTheRootfsCannotBeReached() throws Exception {
        Path marker = Files.writeString(t.root().resolve("host-marker-" + System.nanoTime()), "host secret");
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        String m = marker.toString();
        assertNotEquals(0, exec(c, "/probe", "stat", m), "direct path");
        assertNotEquals(0, exec(c, "/probe", "stat", "/../../../.." + m), "via ..");
        assertNotEquals(0, exec(c, "/probe", "stat", "/proc/1/root" + m), "via /proc/1/root");
        assertEquals(0, exec(c, "/probe", "symlink", "/../../..", "/tmp/up"));
        assertNotEquals(0, exec(c, "/probe", "stat", "/tmp/up" + m), "via a symlink");
        assertEquals(0, exec(c, "/probe", "stat", "/proc/1/root/probe"), "/proc/1/root is the container's root");
    }

    @ParameterizedTest
    @EnumSource(value = RootfsMode.class, names = {"OVERLAY", "COPY"})
    void writesInsideLeaveTheImageUnchanged(RootfsMode rootfs) throws Exception {
        Path layer = t.engine().images().builtins().probe().layers().get(0);
        byte[] probe = Files.readAllBytes(layer.resolve("probe"));
        Container c = t.start(ContainerSpec.builder().rootfs(rootfs).command("/probe", "sleep", "30"));
        assertEquals(0, exec(c, "/probe", "write", "/new-file", "written inside"));
        assertEquals(0, exec(c, "/probe", "write", "/etc/in-lower-dir", "written inside"));
        assertFalse(Files.exists(layer.resolve("new-file")));
        assertFalse(Files.exists(layer.resolve("etc/in-lower-dir")));
        assertTrue(java.util.Arrays.equals(probe, Files.readAllBytes(layer.resolve("probe"))), "image binary changed");
        if (rootfs == RootfsMode.OVERLAY) {
            assertEquals("written inside", Files.readString(c.dir().path().resolve("upper/new-file")));
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anEphemeralContainersOverlaySkipsSyncsAndAKeptOneDoesNot(boolean ephemeral) {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.isobench.engine.rootfs.OverlayProvisioner.volatileSupported(),
                "overlay's volatile option needs Linux 5.10 or later");
        Container c = t.start(ContainerSpec.builder().ephemeral(ephemeral).command("/probe", "sleep", "30"));
        Mountinfo.Entry root = Mountinfo.read(Path.of("/proc", Integer.toString(c.pid()), "mountinfo")).stream()
                .filter(m -> m.mountPoint().equals(Path.of("/"))).findFirst().orElseThrow();
        // Newer kernels show the option as fsync=volatile.
        boolean skipsSync = root.superOptions().contains("volatile") || root.superOptions().contains("fsync=volatile");
        assertEquals(ephemeral, skipsSync, root.superOptions().toString());
        // The kernel's own mark of a volatile upper dir, which refuses a later mount of it.
        assertEquals(ephemeral, Files.isDirectory(c.dir().path().resolve("work/work/incompat/volatile")));
        assertEquals(ephemeral, t.engine().get(c.id()).spec().ephemeral(), "the state on disk says so too");
    }

    @Test
    void reflinkWorksWhereTheFilesystemClonesExtentsAndIsRefusedElsewhere() {
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(RootfsMode.REFLINK).command("/probe", "pid");
        if (dev.isobench.engine.rootfs.CopyProvisioner.reflinkSupported(t.root())) {
            assertEquals(List.of("1"), t.run(b).lines());
        } else {
            EngineException e = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class, () -> t.engine().create(b.build()));
            assertTrue(e.getMessage().contains("--rootfs reflink needs"), e.getMessage());
            t.assertNoLeftovers();
        }
    }

    @Test
    void exitCodesAndSignalsPropagate() {
        assertEquals(0, t.run("/probe", "true").exitCode());
        assertEquals(1, t.run("/probe", "false").exitCode());
        assertEquals(42, t.run("/probe", "exit", "42").exitCode());
        // Outside a pid namespace a process can signal itself to death: 128 + SIGTERM.
        assertEquals(143, t.run(ContainerSpec.builder().withoutNamespace(Namespace.PID).command("/probe", "kill-self", "15")).exitCode());
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        c.kill(9);
        assertEquals(137, c.waitFor());
        assertEquals(ContainerState.STOPPED, c.state());
        assertEquals(java.util.Optional.of(137), c.exitCode());
        // A container removed at exit keeps no exit file: its owner hears the code on the status pipe.
        Container rm = t.start(ContainerSpec.builder().ephemeral(true).command("/probe", "exit", "42"));
        assertEquals(42, rm.waitFor());
        assertEquals(java.util.Optional.of(42), rm.exitCode());
        assertEquals(ContainerState.STOPPED, rm.state());
        assertFalse(java.nio.file.Files.exists(t.root().resolve("containers").resolve(rm.id()).resolve("exit")));
        rm.delete();
    }

    @Test
    void capabilitiesAreDockersDefaultSetWithNoNewPrivs() {
        String status = t.run("/probe", "status").stdout();
        assertTrue(status.contains("CapEff:\t00000000a80425fb"), status);
        assertTrue(status.contains("CapBnd:\t00000000a80425fb"), status);
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
    }

    @Test
    void theWorkloadAndAnExecStartWithNoSignalBlockedOrIgnored() {
        // The JVM's threads block SIGQUIT and the monitor ignores SIGPIPE: neither may reach the workload.
        String status = t.run("/probe", "status").stdout();
        assertTrue(status.contains("SigBlk:\t0000000000000000"), status);
        assertTrue(status.contains("SigIgn:\t0000000000000000"), status);
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        Path out = t.root().resolve("exec-status");
        assertEquals(0, c.exec(ExecSpec.of("/probe", "status").withStdio(Stdio.toFiles(out, out))));
        String exec = TestEngine.read(out);
        assertTrue(exec.contains("SigBlk:\t0000000000000000") && exec.contains("SigIgn:\t0000000000000000"), exec);
    }

    @Test
    void capAddAndDropChangeTheDefaultSet() {
        String status = t.run(ContainerSpec.builder().capDrop("CHOWN").capAdd("cap_net_admin").command("/probe", "status")).stdout();
        long expected = (0xa80425fbL & ~1L) | (1L << 12);
        assertTrue(status.contains(String.format("CapEff:\t%016x", expected)), status);
        assertTrue(t.run(ContainerSpec.builder().capDrop("ALL").command("/probe", "status")).stdout().contains("CapEff:\t0000000000000000"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder().capAdd("NOPE").build());
    }

    @Test
    void aReadOnlyRootRefusesWritesButDevShmAndVolumesStayWritable() throws Exception {
        Result root = t.run(ContainerSpec.builder().readOnly(true).command("/probe", "write", "/x", "y"));
        assertEquals(1, root.exitCode());
        assertTrue(root.stderr().contains("Read-only file system"), root.stderr());
        assertEquals(0, t.run(ContainerSpec.builder().readOnly(true).command("/probe", "write", "/dev/shm/x", "y")).exitCode());
        java.nio.file.Path vol = java.nio.file.Files.createDirectory(t.root().resolve("rw"));
        assertEquals(0, t.run(ContainerSpec.builder().readOnly(true).volume(dev.isobench.engine.spec.Volume.parse(vol + ":/data"))
                .command("/probe", "write", "/data/x", "y")).exitCode());
    }

    @Test
    void aNonRootUserHasNoCapabilities() {
        String status = t.run(ContainerSpec.builder().user(new dev.isobench.engine.spec.User(1000, 1000, List.of()))
                .command("/probe", "status")).stdout();
        assertTrue(status.contains("CapEff:\t0000000000000000"), status);
        assertTrue(status.contains("Uid:\t1000\t1000\t1000\t1000"), status);
    }

    @Test
    void theDefaultSeccompProfileDeniesWhatDockersDoesAndUnconfinedDoesNot() {
        for (String call : List.of("unshare-user", "keyctl")) {
            Result denied = t.run(ContainerSpec.builder().command("/probe", "try", call));
            assertEquals(List.of("errno 1 Operation not permitted"), denied.lines(), call);
            Result allowed = t.run(ContainerSpec.builder().seccomp(dev.isobench.engine.spec.Seccomp.UNCONFINED).command("/probe", "try", call));
            assertEquals(List.of("ok"), allowed.lines(), call + " unconfined");
        }
        assertEquals(0, t.run(ContainerSpec.builder().image("host").command("/bin/sh", "-c", "true")).exitCode(), "a shell still forks");
    }

    @Test
    void noEngineFileDescriptorReachesTheContainer() {
        List<String> fds = t.run("/probe", "fds").lines().stream().map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("0", "1", "2"), fds);
    }

    @Test
    void networkNoneHasOnlyLoopbackAndHostNetworkSeesTheHosts() throws Exception {
        assertEquals(List.of("lo"), t.run("/probe", "ls", "/sys/class/net").lines());
        List<String> hostLinks;
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            hostLinks = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> inside = t.run(ContainerSpec.builder().network(NetworkMode.HOST).command("/probe", "ls", "/sys/class/net"))
                .lines().stream().sorted().toList();
        assertEquals(hostLinks, inside);
    }

    @Test
    void environmentWorkdirAndUserAreApplied() {
        Result env = t.run(ContainerSpec.builder().env("FOO=bar").command("/probe", "env"));
        assertTrue(env.lines().contains("FOO=bar"), env.stdout());
        assertTrue(env.lines().stream().anyMatch(l -> l.startsWith("PATH=")), env.stdout());
        assertEquals(List.of("/work/dir"), t.run(ContainerSpec.builder().workdir("/work/dir").command("/probe", "cwd")).lines());
    }

    @Test
    void theContainerIsInItsOwnCgroupBeforeItStarts() throws Exception {
        Container c = t.engine().create(ContainerSpec.builder().command("/probe", "true").stdio(Stdio.toFiles(t.root().resolve("o"), t.root().resolve("o"))).build());
        assertEquals(ContainerState.CREATED, c.state());
        if (!t.engine().cgroups().version().equals("none")) {
            assertEquals(List.of(c.pid()), t.engine().cgroups().pids(c.cgroup()));
            assertTrue(Files.readString(Path.of("/proc", Integer.toString(c.pid()), "cgroup")).contains("/isobench/" + c.id()));
        }
        c.start();
        assertEquals(0, c.waitFor());
        c.delete();
    }

    @Test
    void execJoinsTheContainersPidNamespace() {
        Container c = t.start(ContainerSpec.builder().command("/probe", "sleep", "30"));
        Path out = t.root().resolve("ps-out");
        assertEquals(0, c.exec(ExecSpec.of("/probe", "ps").withStdio(Stdio.toFiles(out, out))));
        List<String> pids = TestEngine.read(out).lines().toList();
        assertTrue(pids.contains("1") && pids.size() == 2, "expected PID 1 and the exec'd process, got " + pids);
    }

    @Test
    void hostImageRunsHostBinariesReadOnly() {
        Result r = t.run(ContainerSpec.builder().image("host").command("/bin/sh", "-c", "echo ok > /tmp/f && cat /tmp/f && touch /usr/x"));
        assertEquals("ok", r.lines().get(0));
        assertNotEquals(0, r.exitCode(), "writing /usr must fail: it is bound read-only");
        assertTrue(r.stderr().contains("Read-only file system"), r.stderr());
    }

    private int exec(Container c, String... argv) {
        Path out = t.root().resolve("exec-" + System.nanoTime());
        return c.exec(ExecSpec.of(argv).withStdio(Stdio.toFiles(out, out)));
    }
}
