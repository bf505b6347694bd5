package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.Native;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * cgroup v1: one directory per hierarchy, {@code <mount>/<path>} ({@code <mount>/isobench/<id>} for the engine's
 * own). Hierarchies that mount several controllers together (cpu,cpuacct) are used once.
 */
public final class V1Driver implements CgroupDriver {
    /** The controllers the engine manages; others (freezer, name=systemd) are left alone. */
    public static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids", "cpuset", "blkio", "devices");

    private final Map<String, Path> mounts;
    private final List<Path> hierarchies;
    private final PreparedGroups prepared;
    /** Whether this engine saw its cpuset parent copy CPUs and memory nodes into a new group. */
    private volatile boolean cpusetParentReady;

    /** @param mounts controller name to the mount point of its hierarchy */
    public V1Driver(Map<String, Path> mounts) {
        this.mounts = Map.copyOf(mounts);
        Set<Path> unique = new LinkedHashSet<>();
        for (String c : CONTROLLERS) {
            if (mounts.containsKey(c)) unique.add(mounts.get(c));
        }
        this.hierarchies = List.copyOf(unique);
        this.prepared = new PreparedGroups(name -> make(CgroupPath.ofContainer(name)), name -> destroy(CgroupPath.ofContainer(name)),
                () -> hierarchies.forEach(h -> CgroupFiles.removeIfEmpty(h.resolve(CgroupFiles.PARENT))));
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public List<Path> roots() {
        return hierarchies;
    }

    public Map<String, Path> mounts() {
        return mounts;
    }

    @Override
    public Set<Controller> controllers() {
        Set<Controller> set = EnumSet.noneOf(Controller.class);
        for (Controller c : Controller.values()) {
            if (mounts.containsKey(c.name("v1"))) set.add(c);
        }
        return set;
    }

    @Override
    public boolean supportsSwapLimit() {
        return mounts.containsKey("memory") && MemoryV1.hasSwapAccounting(mounts.get("memory"));
    }

    @Override
    public void apply(CgroupPath id, Limits limits) {
        dir(Controller.CPU, id).ifPresent(d -> CpuV1.apply(d, limits));
        dir(Controller.MEMORY, id).ifPresent(d -> MemoryV1.apply(d, limits));
        dir(Controller.PIDS, id).ifPresent(d -> PidsFiles.apply(d, limits));
        dir(Controller.CPUSET, id).ifPresent(d -> CpusetFiles.apply(d, limits));
        dir(Controller.IO, id).ifPresent(d -> IoFiles.applyV1(d, limits));
        if (!limits.deviceRules().isEmpty() && mounts.containsKey("devices")) DeviceRules.apply(id.in(mounts.get("devices")), limits.deviceRules());
    }

    @Override
    public CgroupStats stats(CgroupPath id) {
        CgroupStatsBuilder b = new CgroupStatsBuilder();
        dir(Controller.CPU, id).ifPresent(d -> CpuV1.read(d, dir(Controller.CPUACCT, id).orElse(null), b));
        dir(Controller.MEMORY, id).ifPresent(d -> MemoryV1.read(d, b));
        dir(Controller.PIDS, id).ifPresent(d -> PidsFiles.read(d, b));
        dir(Controller.IO, id).ifPresent(d -> IoFiles.readV1(d, b));
        return b.build();
    }

    private Optional<Path> dir(Controller c, CgroupPath id) {
        Path mount = mounts.get(c.name("v1"));
        return mount == null ? Optional.empty() : Optional.of(id.in(mount));
    }

    @Override
    public List<Path> create(CgroupPath group) {
        if (!group.isEngines()) return make(group);
        Optional<String> ready = prepared.take();
        if (ready.isPresent() && rename(ready.get(), group.name())) return joinFiles(group).stream().map(Path::getParent).toList();
        return make(group);
    }

    /**
     * Gives a prepared group the container's id in every hierarchy, and its modification time now: gc takes an
     * empty group of no container only once it is a minute old. False when the group is gone (a gc took it).
     */
    private boolean rename(String from, String to) {
        for (Path h : hierarchies) {
            if (Native.rename(group(h, from).toString(), group(h, to).toString()) != 0) {
                destroy(CgroupPath.ofContainer(from)); // what is left of it; make() fills in what is missing
                return false;
            }
        }
        Native.lutimes(group(hierarchies.get(0), to).toString(), Instant.now().getEpochSecond());
        return true;
    }

    @Override
    public void prepareAhead() {
        prepared.fill();
    }

    private List<Path> make(CgroupPath g) {
        List<Path> made = new ArrayList<>();
        for (Path h : hierarchies) {
            if (g.isEngines()) {
                makeEngines(h, g);
                made.add(g.in(h));
            } else {
                for (Path dir : g.chain(h)) {
                    if (CgroupFiles.makeNew(dir)) made.add(dir);
                    // A cpuset group with no CPUs or memory nodes takes no task, so one on the way, made or found
                    // empty, gets its parent's (runc does the same for the parents it finds)
                    if (h.equals(mounts.get("cpuset"))) inheritCpuset(dir.getParent(), dir);
                }
            }
            if (h.equals(mounts.get("devices"))) DeviceRules.restrict(g.in(h));
        }
        return made;
    }

    private void makeEngines(Path h, CgroupPath g) {
        Path parent = h.resolve(CgroupFiles.PARENT);
        boolean cpuset = h.equals(mounts.get("cpuset"));
        Path group = g.in(h);
        if (!CgroupFiles.mkdir(group)) { // no parent yet (the first container, or a prune removed it)
            CgroupFiles.mkdir(parent);
            CgroupFiles.mkdir(group);
            if (cpuset) cpusetParentReady = false;
        }
        // Usually the group copied its CPUs and memory nodes from the parent as it was made; a parent made
        // just now, or by an older engine, is set up first. Once seen working, the parent stays so.
        if (cpuset && !cpusetParentReady) {
            if (CgroupFiles.read(group.resolve("cpuset.cpus")).isEmpty()) {
                prepareCpusetParent(h, parent);
                inheritCpuset(parent, group);
            }
            cpusetParentReady = true;
        }
    }

    @Override
    public void allowAllDevices(CgroupPath id) {
        if (mounts.containsKey("devices")) DeviceRules.allowAll(id.in(mounts.get("devices")));
    }

    /**
     * The engine's own cpuset parent gets the root's CPUs and memory nodes and cgroup.clone_children, so each
     * container group copies them as the kernel makes it (two reads and two writes less per container).
     */
    private static void prepareCpusetParent(Path hierarchy, Path parent) {
        inheritCpuset(hierarchy, parent);
        CgroupFiles.write(parent.resolve("cgroup.clone_children"), "1");
    }

    /** A new v1 cpuset group starts with no CPUs and no memory nodes; a task cannot join it until both are set. */
    private static void inheritCpuset(Path from, Path to) {
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
            if (CgroupFiles.read(to.resolve(f)).isEmpty()) CgroupFiles.write(to.resolve(f), CgroupFiles.read(from.resolve(f)));
        }
    }

    @Override
    public List<Path> joinFiles(CgroupPath id) {
        List<Path> files = new ArrayList<>();
        for (Path h : hierarchies) files.add(id.in(h).resolve("tasks")); // joined by a single-threaded process
        return files;
    }

    @Override
    public List<Integer> pids(CgroupPath id) {
        Set<Integer> pids = new LinkedHashSet<>();
        for (Path h : hierarchies) pids.addAll(CgroupFiles.pids(id.in(h)));
        return new ArrayList<>(pids);
    }

    @Override
    public void destroy(CgroupPath id) {
        for (Path h : hierarchies) {
            CgroupFiles.remove(id.in(h), () -> pids(id).forEach(pid -> Native.kill(pid, 9)));
        }
    }

    @Override
    public void prune() {
        for (Path h : hierarchies) {
            Path parent = h.resolve(CgroupFiles.PARENT);
            for (String g : CgroupFiles.children(parent)) {
                if (PreparedGroups.abandoned(g)) CgroupFiles.remove(parent.resolve(g), () -> { });
            }
            CgroupFiles.removeIfEmpty(parent);
        }
    }

    @Override
    public List<String> list() {
        Set<String> ids = new LinkedHashSet<>();
        for (Path h : hierarchies) {
            Path parent = h.resolve(CgroupFiles.PARENT);
            for (String g : CgroupFiles.children(parent)) {
                if (CgroupFiles.children(parent.resolve(g)).isEmpty()) ids.add(g);
            }
        }
        ids.removeIf(g -> g.startsWith(PreparedGroups.PREFIX));
        return new ArrayList<>(ids);
    }

    private static Path group(Path hierarchy, String name) {
        return hierarchy.resolve(CgroupFiles.PARENT).resolve(name);
    }
}
