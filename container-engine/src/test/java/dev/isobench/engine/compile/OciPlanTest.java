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
import dev.isobench.engine.spec.CapabilitySets;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Filesystem;
import dev.isobench.engine.spec.Mount;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.ProcessOptions;
import dev.isobench.engine.spec.Rlimit;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.state.ContainerDir;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** An OCI bundle's plan: its own mount table in order, sysctls before /proc/sys goes read-only, its exact sets. */
class OciPlanTest {
    private final ContainerDir dir = new ContainerDir(Path.of("/state/containers/abc"));
    private final Path root = Path.of("/bundle/rootfs");
    private final Rootfs rootfs = new Rootfs(root, List.of(Mounts.bind(root.toString(), root.toString())), 0, 0);
    private final Image image = new Image(root.toString(), "dir:" + root, List.of(root), List.of(), List.of(), List.of(), "", "");
    private final List<Path> joins = List.of(Path.of("/sys/fs/cgroup/memory/isobench/abc/tasks"), Path.of("/sys/fs/cgroup/cpu,cpuacct/isobench/abc/tasks"));

    private ContainerSpec.Builder oci(boolean noNewPrivileges) {
        List<Mount> mounts = List.of(new Mount("/proc", "proc", "proc", List.of("nosuid")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "mode=755")),
                new Mount("/etc/hosts", "bind", "/etc/hosts", List.of("rbind", "ro", "rprivate")),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("ro")));
        return ContainerSpec.builder().image(root.toString()).command("/probe", "true").handOff(true).detached(true)
                .filesystem(new Filesystem(Optional.of(mounts), Optional.of(List.of("/proc/kcore")), Optional.of(List.of("/proc/sys")), List.of(), false, 0))
                .process(new ProcessOptions(List.of(new Rlimit(7, 1024, 1024)), OptionalInt.of(-500), OptionalInt.of(022), noNewPrivileges,
                        Optional.of(new CapabilitySets(3, 1, 3, 0, 1)), true, Optional.empty()))
                .sysctl("net.ipv4.ping_group_range", "0 0").seccomp(Seccomp.DEFAULT);
    }

    private Plan plan(ContainerSpec.Builder b) {
        return PlanCompiler.create(b.build(), "box", image, rootfs, dir, joins);
    }

    private static int index(Plan p, Op op, String firstArg) {
        for (int i = 0; i < p.steps().size(); i++) {
            Step s = p.steps().get(i);
            if (s.op() == op && (firstArg == null || s.args().get(0).equals(firstArg))) return i;
        }
        return -1;
    }

    private static int mountAt(Plan p, String target) {
        for (int i = 0; i < p.steps().size(); i++) {
            if (p.steps().get(i).op() == Op.MOUNT && p.steps().get(i).args().get(1).equals(target)) return i;
        }
        return -1;
    }

    @Test
    void theTableIsMountedInOrderAndTheEnginesOwnLayoutIsNot() {
        Plan p = plan(oci(true));
        int proc = mountAt(p, "/bundle/rootfs/proc");
        int dev = mountAt(p, "/bundle/rootfs/dev");
        int hosts = mountAt(p, "/bundle/rootfs/etc/hosts");
        assertTrue(proc > 0 && proc < dev && dev < hosts, p.steps().toString());
        assertTrue(index(p, Op.TOUCH, "/bundle/rootfs/etc/hosts") < hosts, "a file's mount point is made first");
        assertEquals(List.of("", "/bundle/rootfs/etc/hosts", "", Long.toString(Mounts.REMOUNT | Mounts.BIND | Mounts.RDONLY), "", "0"),
                p.steps().get(hosts + 1).args(), "a read-only bind is remounted");
        assertEquals(Long.toString(Mounts.PRIVATE | Mounts.REC), p.steps().get(hosts + 2).args().get(3), "then its propagation set");
        assertEquals(-1, mountAt(p, "/bundle/rootfs/sys"), "no sysfs the table does not ask for");
        assertTrue(index(p, Op.MASK, "/proc/kcore") > 0 && index(p, Op.MASK, "/proc/acpi") < 0, "the bundle's masked paths, not Docker's");
        assertTrue(mountAt(p, "/bundle/rootfs/dev/null") > dev && index(p, Op.MOUNT, "/dev/null") > dev, "the default nodes are bound into the table's /dev");
    }

    @Test
    void aCgroupMountShowsTheContainersOwnGroups() {
        Plan p = plan(oci(true));
        assertTrue(mountAt(p, "/bundle/rootfs/sys/fs/cgroup") > 0);
        assertTrue(index(p, Op.MOUNT, "/sys/fs/cgroup/memory/isobench/abc") > 0, "the memory group is bound in");
        assertTrue(index(p, Op.SYMLINK, "cpu,cpuacct") > 0, "a comounted hierarchy is reached by each name");
    }

    @Test
    void processSettingsLandAtTheirPoints() {
        Plan p = plan(oci(true));
        int pivot = index(p, Op.PIVOT_ROOT, null);
        int sysctl = index(p, Op.WRITE, "/proc/sys/net/ipv4/ping_group_range");
        int readOnlySys = mountAt(p, "/proc/sys");
        assertTrue(pivot < sysctl && sysctl < readOnlySys, "sysctls go in after pivot_root, before /proc/sys is read-only");
        assertTrue(index(p, Op.RLIMIT, "7") < index(p, Op.DROP_BOUNDING, null), "rlimits are raised while the stage holds its capabilities");
        assertTrue(index(p, Op.WRITE, "/proc/self/oom_score_adj") > 0);
        assertEquals(List.of("1", "3", "0", "1"), p.steps().get(index(p, Op.CAPSET, null)).args(), "effective, permitted, inheritable, ambient");
        assertEquals("3", p.steps().get(index(p, Op.DROP_BOUNDING, null)).args().get(0), "the bounding set");
        assertTrue(index(p, Op.KEEP_CAPS, null) < index(p, Op.SET_USER, null));
        assertTrue(index(p, Op.HANDOFF, null) > 0 && index(p, Op.EXIT_FILE, null) < 0, "no monitor stays, so none writes an exit file");
        assertEquals(List.of(Step.of(Op.ENV, "HOME=/")), p.steps().stream().filter(s -> s.op() == Op.ENV).toList(),
                "the environment is exactly the bundle's, with HOME where it has none (no passwd here: /)");
    }

    @Test
    void withoutNoNewPrivsTheFilterLoadsBeforeTheCapabilitiesGo() {
        Plan with = plan(oci(true));
        assertTrue(index(with, Op.SECCOMP, null) > index(with, Op.NO_NEW_PRIVS, null));
        Plan without = plan(oci(false));
        assertEquals(-1, index(without, Op.NO_NEW_PRIVS, null));
        assertTrue(index(without, Op.SECCOMP, null) < index(without, Op.DROP_BOUNDING, null), "loaded while CAP_SYS_ADMIN is held");
    }

    @Test
    void aJoinedNamespaceIsEnteredBeforeTheClone() {
        Plan p = plan(oci(true).joinNamespace(Namespace.NET, "/proc/1/ns/net"));
        assertTrue(index(p, Op.SETNS, "/proc/1/ns/net") < index(p, Op.CLONE, null));
        long flags = Long.parseLong(p.steps().get(index(p, Op.CLONE, null)).args().get(0));
        assertEquals(0, flags & Namespace.NET.cloneFlag(), "no new network namespace");
        assertFalse(p.steps().stream().anyMatch(s -> s.op() == Op.IFUP), "a joined network is left as it is");
    }
}
