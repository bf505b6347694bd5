package dev.isobench.engine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.plan.Mounts;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.MountSpec;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.state.ContainerDir;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan is the whole policy of a container; its order is checked here without root. */
class PlanCompilerTest {
    private final ContainerDir dir = new ContainerDir(Path.of("/state/containers/abc"));
    private final Rootfs rootfs = new Rootfs(Path.of("/state/containers/abc/rootfs"),
            List.of(Mounts.mount("overlay", "/state/containers/abc/rootfs", "overlay", 0, "lowerdir=/l,upperdir=/u,workdir=/w")), 0, 0);
    private final Image image = new Image("img", "id", List.of(Path.of("/l")), List.of(new MountSpec(Path.of("/usr"), "/usr", true)),
            List.of("PATH=/bin"), List.of("/probe", "true"), "", "");

    private Plan plan(ContainerSpec.Builder b) {
        return PlanCompiler.create(b.build(), "box", image, rootfs, dir, List.of(Path.of("/cg/isobench/abc/cgroup.procs")));
    }

    private static int indexOf(Plan p, Op op, String firstArg) {
        for (int i = 0; i < p.steps().size(); i++) {
            Step s = p.steps().get(i);
            if (s.op() == op && (firstArg == null || (!s.args().isEmpty() && s.args().get(0).equals(firstArg)))) return i;
        }
        return -1;
    }

    private static int indexOfMount(Plan p, String target) {
        for (int i = 0; i < p.steps().size(); i++) {
            Step s = p.steps().get(i);
            if (s.op() == Op.MOUNT && s.args().get(1).equals(target)) return i;
        }
        return -1;
    }

    @Test
    void mountsHappenPrivatelyThenPivotThenPrivilegesDropThenExec() {
        Plan p = plan(ContainerSpec.builder());
        List<Step> s = p.steps();
        int makePrivate = indexOfMount(p, "/");
        int overlay = indexOf(p, Op.MOUNT, "overlay");
        int proc = indexOf(p, Op.MOUNT, "proc");
        int usr = indexOfMount(p, "/state/containers/abc/rootfs/usr");
        int barrier = indexOf(p, Op.BARRIER, "/state/containers/abc/start");
        int pivot = indexOf(p, Op.PIVOT_ROOT, "/state/containers/abc/rootfs");
        int mask = indexOf(p, Op.MASK, "/proc/kcore");
        int bounding = indexOf(p, Op.DROP_BOUNDING, null);
        int user = indexOf(p, Op.SET_USER, "0");
        int capset = indexOf(p, Op.CAPSET, null);
        int nnp = indexOf(p, Op.NO_NEW_PRIVS, null);
        int exec = indexOf(p, Op.EXEC, "/probe");
        assertTrue(makePrivate >= 0 && makePrivate < overlay && overlay < proc && proc < usr && usr < barrier && barrier < pivot,
                "mounts, then the barrier fd is opened, then pivot_root: " + s);
        assertTrue(pivot < mask && mask < bounding && bounding < user && user < capset && capset < nnp && nnp < exec, s.toString());
        assertEquals(s.size() - 1, exec, "exec is the last step");
    }

    @Test
    void monitorStepsComeFirstAndCgroupNamespaceAfterTheCgroupJoin() {
        Plan p = plan(ContainerSpec.builder());
        assertEquals(Op.CLONE, p.steps().get(0).op());
        long flags = Long.parseLong(p.steps().get(0).args().get(0));
        for (Namespace ns : List.of(Namespace.PID, Namespace.MOUNT, Namespace.UTS, Namespace.IPC, Namespace.NET)) {
            assertTrue((flags & ns.cloneFlag()) != 0, ns + " in clone flags");
        }
        assertEquals(0, flags & Namespace.CGROUP.cloneFlag(), "cgroupns is unshared after the monitor attaches the cgroup");
        assertTrue(indexOf(p, Op.CGROUP, "/cg/isobench/abc/cgroup.procs") < indexOf(p, Op.UNSHARE, null));
    }

    @Test
    void hostNetworkSkipsTheNetNamespaceAndLoopbackSetup() {
        Plan p = plan(ContainerSpec.builder().network(NetworkMode.HOST));
        assertEquals(0, Long.parseLong(p.steps().get(0).args().get(0)) & Namespace.NET.cloneFlag());
        assertEquals(-1, indexOf(p, Op.IFUP, "lo"));
        assertTrue(indexOf(p, Op.IFUP, "lo") < 0 && indexOf(plan(ContainerSpec.builder()), Op.IFUP, "lo") > 0);
    }

    @Test
    void readOnlyBindsAreRemountedReadOnly() {
        Plan p = plan(ContainerSpec.builder());
        int bind = indexOfMount(p, "/state/containers/abc/rootfs/usr");
        Step remount = p.steps().get(bind + 1);
        long flags = Long.parseLong(remount.args().get(3));
        assertEquals(Mounts.REMOUNT | Mounts.BIND | Mounts.RDONLY, flags & (Mounts.REMOUNT | Mounts.BIND | Mounts.RDONLY));
    }

    @Test
    void nonRootUsersGetNoCapset() {
        Plan p = plan(ContainerSpec.builder().user(new User(1000, 100, List.of(5))));
        assertEquals(List.of("1000", "100", "5"), p.steps().get(indexOf(p, Op.SET_USER, "1000")).args());
        assertEquals(-1, indexOf(p, Op.CAPSET, null));
    }

    @Test
    void theImagesNumericUserAppliesUnlessTheSpecNamesOne() {
        Image withUser = new Image("img", "id", List.of(Path.of("/l")), List.of(), List.of(), List.of("/probe"), "", "1000:1000");
        assertEquals(new User(1000, 1000, List.of()), PlanCompiler.user(ContainerSpec.builder().build(), withUser));
        assertEquals(new User(5, 5, List.of()), PlanCompiler.user(ContainerSpec.builder().user(new User(5, 5, List.of())).build(), withUser));
    }

    @Test
    void laterEnvironmentEntriesReplaceEarlierOnes() {
        assertEquals(List.of("PATH=/x", "HOSTNAME=h", "HOME=/root", "A=1"),
                PlanCompiler.environment(List.of("PATH=/bin"), List.of("PATH=/x", "A=1"), "h"));
    }

    @Test
    void execJoinsNamespacesWithMountLastAndNoBarrier() {
        // --net host: the container's network namespace is the engine's own, which an exec does not join
        Plan p = PlanCompiler.exec(42, ContainerSpec.builder().network(dev.isobench.engine.spec.NetworkMode.HOST).build(), image,
                ExecSpec.of("/probe", "ps"), "box", List.of(), java.util.EnumSet.of(dev.isobench.engine.spec.Namespace.NET), Passwd.NONE);
        List<Step> setns = p.steps().stream().filter(s -> s.op() == Op.SETNS).toList();
        assertEquals("/proc/42/ns/mnt", setns.get(setns.size() - 1).args().get(0));
        assertFalse(setns.stream().anyMatch(s -> s.args().get(0).endsWith("/net")), "a namespace the container shares with the engine is not joined: " + setns);
        assertTrue(setns.stream().anyMatch(s -> s.args().get(0).endsWith("/pid")), "its own are: " + setns);
        assertFalse(p.steps().stream().anyMatch(s -> s.op() == Op.BARRIER || s.op() == Op.PIVOT_ROOT));
        assertEquals(List.of("0"), p.steps().get(indexOf(p, Op.CLONE, null)).args());
    }

    /** HOME from the rootfs's passwd, read before compiling: the compiler itself reads no files. */
    @Test
    void anExactEnvironmentGetsItsHomeFromThePasswdReadBefore() {
        Passwd passwd = new Passwd("root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n");
        assertEquals(List.of("A=1", "HOME=/home/u"), PlanCompiler.withHome(List.of("A=1"), 1000, passwd));
        assertEquals(List.of("A=1", "HOME=/"), PlanCompiler.withHome(List.of("A=1"), 7, passwd), "a uid it does not name: /");
        assertEquals(List.of("HOME=/x"), PlanCompiler.withHome(List.of("HOME=/x"), 0, passwd), "a HOME given stays");
    }
}
