package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.Bpf;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * cgroup v2: one directory, {@code <root>/<path>} ({@code <root>/isobench/<id>} for the engine's own). Controllers
 * are delegated down to it through cgroup.subtree_control; only enabling ever happens there, never disabling.
 */
public final class V2Driver implements CgroupDriver {
    public static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids", "cpuset", "io");

    private final Path root;
    /** Set once this engine enabled its controllers in the root's and its parent's subtree_control. */
    private volatile boolean delegated;

    public V2Driver(Path root) {
        this.root = root;
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public List<Path> roots() {
        return List.of(root);
    }

    @Override
    public Set<Controller> controllers() {
        Set<String> available = Set.of(CgroupFiles.read(root.resolve("cgroup.controllers")).split("\\s+"));
        Set<Controller> set = EnumSet.noneOf(Controller.class);
        for (Controller c : Controller.values()) {
            if (available.contains(c.name("v2"))) set.add(c);
        }
        if (set.contains(Controller.CPU)) set.add(Controller.CPUACCT); // v2 accounts CPU time in cpu.stat always
        return set;
    }

    @Override
    public boolean supportsSwapLimit() {
        return controllers().contains(Controller.MEMORY); // memory.swap.max is there wherever memcg is
    }

    @Override
    public void apply(CgroupPath id, Limits limits) {
        Path g = id.in(root);
        CpuV2.apply(g, limits);
        MemoryV2.apply(g, limits);
        PidsFiles.apply(g, limits);
        CpusetFiles.apply(g, limits);
        IoFiles.applyV2(g, limits);
        if (!limits.deviceRules().isEmpty()) Bpf.attachDeviceProgram(g, DeviceRules.program(limits.deviceRules()));
    }

    @Override
    public CgroupStats stats(CgroupPath id) {
        CgroupStatsBuilder b = new CgroupStatsBuilder();
        Path g = id.in(root);
        CpuV2.read(g, b);
        MemoryV2.read(g, b);
        PidsFiles.read(g, b);
        IoFiles.readV2(g, b);
        return b.build();
    }

    @Override
    public List<Path> create(CgroupPath group) {
        if (!group.isEngines()) return makeChain(group);
        Path parent = root.resolve(CgroupFiles.PARENT);
        if (!delegated) makeParent(parent); // four reads per container otherwise; the parent stays delegated while it exists
        if (!CgroupFiles.mkdir(group.in(root))) { // a concurrent prune removed the parent: make it again
            makeParent(parent);
            CgroupFiles.mkdir(group.in(root));
        }
        return List.of(group.in(root));
    }

    /** A group anywhere in the tree: each group on the way delegates the controllers to the next, as v2 needs. */
    private List<Path> makeChain(CgroupPath group) {
        List<Path> made = new ArrayList<>();
        Path parent = root;
        for (Path dir : group.chain(root)) {
            delegate(parent);
            if (CgroupFiles.makeNew(dir)) made.add(dir);
            parent = dir;
        }
        return made;
    }

    private void makeParent(Path parent) {
        delegate(root);
        CgroupFiles.mkdir(parent);
        delegate(parent);
        delegated = true;
    }

    /** Enables in subtree_control the managed controllers that the group has and has not yet enabled. */
    private static void delegate(Path group) {
        Set<String> available = Set.of(CgroupFiles.read(group.resolve("cgroup.controllers")).split("\\s+"));
        Set<String> enabled = Set.of(CgroupFiles.read(group.resolve("cgroup.subtree_control")).split("\\s+"));
        StringBuilder change = new StringBuilder();
        for (String c : CONTROLLERS) {
            if (available.contains(c) && !enabled.contains(c)) change.append(change.length() == 0 ? "" : " ").append('+').append(c);
        }
        if (change.length() > 0) CgroupFiles.write(group.resolve("cgroup.subtree_control"), change.toString());
    }

    @Override
    public List<Path> joinFiles(CgroupPath id) {
        return List.of(id.in(root).resolve("cgroup.procs"));
    }

    @Override
    public List<Integer> pids(CgroupPath id) {
        return CgroupFiles.pids(id.in(root));
    }

    @Override
    public void destroy(CgroupPath id) {
        removeGroupDirectory(id.in(root));
    }

    /** Kills what is inside (cgroup.kill where the kernel has it, one write for the whole group) and removes it. */
    @Override
    public void removeGroupDirectory(Path group) {
        Path killFile = group.resolve("cgroup.kill");
        CgroupFiles.remove(group, () -> {
            if (Files.exists(killFile)) {
                CgroupFiles.write(killFile, "1");
            } else {
                CgroupFiles.pids(group).forEach(pid -> Native.kill(pid, 9));
            }
        });
    }

    @Override
    public void prune() {
        CgroupFiles.removeIfEmpty(root.resolve(CgroupFiles.PARENT));
    }

    @Override
    public List<String> list() {
        Path parent = root.resolve(CgroupFiles.PARENT);
        List<String> ids = new ArrayList<>();
        for (String g : CgroupFiles.children(parent)) {
            if (CgroupFiles.children(parent.resolve(g)).isEmpty()) ids.add(g);
        }
        return ids;
    }
}
