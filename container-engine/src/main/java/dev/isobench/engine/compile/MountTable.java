package dev.isobench.engine.compile;

import dev.isobench.engine.plan.MountOptions;
import dev.isobench.engine.plan.Mounts;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.rootfs.InsideRoot;
import dev.isobench.engine.spec.Device;
import dev.isobench.engine.spec.Filesystem;
import dev.isobench.engine.spec.Mount;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiles a mount table given whole (an OCI bundle's {@code mounts}) into plan steps, in its order, as runc
 * does: mount points made inside the root (never through a symlink out of it), binds remounted for their
 * flags, propagation set per mount, a {@code cgroup} mount as the container's own groups, then the nodes every
 * container's /dev holds, the configured devices and the /dev links.
 */
public final class MountTable {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private MountTable() {}

    static void compile(Plan.Builder p, Filesystem fs, Path root, List<Path> cgroupJoinFiles, boolean ownCgroupNamespace, boolean console) {
        List<Mount> mounts = fs.mounts().orElseThrow();
        boolean devFromHost = false;
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            MountOptions o;
            try {
                o = MountOptions.parse(m.options());
            } catch (IllegalArgumentException e) {
                throw new EngineException("mounts[" + i + "] (" + m.destination() + "): " + e.getMessage());
            }
            Path target = InsideRoot.resolve(root, m.destination());
            if (m.isBind()) {
                Path source = Path.of(m.source());
                if (!Files.exists(source)) {
                    throw new EngineException("mounts[" + i + "] (" + m.destination() + "): bind source " + source + " does not exist");
                }
                if (m.destination().equals("/dev")) devFromHost = true;
                makeParents(p, root, target);
                if (Files.isDirectory(source)) p.mkdir(target.toString(), 0755);
                else p.add(Op.TOUCH, target.toString());
                p.addAll(List.of(Mounts.mount(source.toString(), target.toString(), "", o.flags() & (Mounts.BIND | Mounts.REC) | Mounts.BIND, "")));
                long remount = o.flags() & MountOptions.REMOUNT_ONLY;
                if (remount != 0) p.addAll(List.of(Mounts.mount("", target.toString(), "", Mounts.REMOUNT | Mounts.BIND | remount, "")));
            } else if (m.type().equals("cgroup") || m.type().equals("cgroup2")) {
                makeParents(p, root, target);
                p.mkdir(target.toString(), 0755);
                cgroups(p, target, o, cgroupJoinFiles, ownCgroupNamespace);
            } else {
                makeParents(p, root, target);
                p.mkdir(target.toString(), 0755);
                p.addAll(List.of(Mounts.mount(m.source(), target.toString(), m.type(), o.flags(), o.data())));
            }
            for (long propagation : o.propagation()) p.addAll(List.of(Mounts.mount("", target.toString(), "", propagation, "")));
        }
        Path dev = InsideRoot.resolve(root, "/dev");
        p.mkdir(dev.toString(), 0755);
        if (!devFromHost) {
            for (String node : PlanCompiler.DEVICES) {
                String path = "/dev/" + node;
                if (fs.devices().stream().anyMatch(d -> d.path().equals(path))) continue;
                p.add(Op.TOUCH, dev.resolve(node).toString());
                p.addAll(List.of(Mounts.bind(path, dev.resolve(node).toString())));
            }
        }
        for (Device d : fs.devices()) {
            Path node = InsideRoot.resolve(root, d.path());
            makeParents(p, root, node);
            p.add(Op.MKNOD, node.toString(), Integer.toString(d.mode()), Long.toString(d.major()), Long.toString(d.minor()),
                    Integer.toString(d.uid()), Integer.toString(d.gid()));
        }
        p.add(Op.SYMLINK, "/proc/self/fd", dev + "/fd");
        p.add(Op.SYMLINK, "/proc/self/fd/0", dev + "/stdin");
        p.add(Op.SYMLINK, "/proc/self/fd/1", dev + "/stdout");
        p.add(Op.SYMLINK, "/proc/self/fd/2", dev + "/stderr");
        p.add(Op.SYMLINK, "pts/ptmx", dev + "/ptmx");
        if (console) p.add(Op.BIND_CONSOLE, dev + "/console");
    }

    /**
     * The container's own groups at the mount point: cgroup2 itself in a cgroup namespace of its own (it shows
     * the namespace's root), else each hierarchy's group of the container bound under a tmpfs (v1), as runc.
     */
    private static void cgroups(Plan.Builder p, Path target, MountOptions o, List<Path> joinFiles, boolean ownNamespace) {
        boolean pureV2 = joinFiles.size() == 1 && joinFiles.get(0).getFileName().toString().equals("cgroup.procs");
        long ro = o.flags() & Mounts.RDONLY;
        if (pureV2 && ownNamespace) {
            p.addAll(List.of(Mounts.mount("cgroup2", target.toString(), "cgroup2", o.flags(), "")));
            return;
        }
        if (pureV2) {
            p.addAll(bind(joinFiles.get(0).getParent(), target, ro));
            return;
        }
        p.addAll(List.of(Mounts.mount("tmpfs", target.toString(), "tmpfs", Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "mode=755")));
        for (Path file : joinFiles) {
            Path group = file.getParent();
            String hierarchy = CGROUP_ROOT.relativize(group).getName(0).toString();
            Path at = target.resolve(hierarchy);
            p.mkdir(at.toString(), 0755);
            p.addAll(bind(group, at, ro));
            if (hierarchy.contains(",")) { // cpu,cpuacct is also reached as cpu and cpuacct
                for (String name : hierarchy.split(",")) p.add(Op.SYMLINK, hierarchy, target.resolve(name).toString());
            }
        }
        if (ro != 0) p.addAll(List.of(Mounts.mount("", target.toString(), "", Mounts.REMOUNT | Mounts.RDONLY | Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "mode=755")));
    }

    private static List<dev.isobench.engine.plan.Step> bind(Path source, Path target, long ro) {
        return ro != 0 ? Mounts.readOnlyBind(source.toString(), target.toString(), Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC)
                : List.of(Mounts.bind(source.toString(), target.toString()));
    }

    /** MKDIR steps for every directory between the root and the target; existing ones pass. */
    private static void makeParents(Plan.Builder p, Path root, Path target) {
        Path rel = root.relativize(target);
        Path at = root;
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            at = at.resolve(rel.getName(i));
            p.mkdir(at.toString(), 0755);
        }
    }
}
