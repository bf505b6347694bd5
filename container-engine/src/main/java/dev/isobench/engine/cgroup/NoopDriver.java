package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** No cgroups at all: the "namespaces only" baseline, and hosts without a usable hierarchy. */
public final class NoopDriver implements CgroupDriver {
    @Override
    public String version() {
        return "none";
    }

    @Override
    public List<Path> roots() {
        return List.of();
    }

    @Override
    public Set<Controller> controllers() {
        return Set.of();
    }

    @Override
    public boolean supportsSwapLimit() {
        return false;
    }

    @Override
    public void apply(CgroupPath id, Limits limits) {
        if (!limits.isEmpty()) throw new EngineException("this host has no cgroup hierarchy: limits cannot be enforced");
    }

    @Override
    public CgroupStats stats(CgroupPath id) {
        return CgroupStats.NONE;
    }

    @Override
    public List<Path> create(CgroupPath id) {
        return List.of();
    }

    @Override
    public List<Path> joinFiles(CgroupPath id) {
        return List.of();
    }

    @Override
    public List<Integer> pids(CgroupPath id) {
        return List.of();
    }

    @Override
    public void destroy(CgroupPath id) {}

    @Override
    public void prune() {}

    @Override
    public List<String> list() {
        return List.of();
    }
}
