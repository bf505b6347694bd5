package dev.isobench.engine.cgroup;

/** The resource controllers the engine manages, named neutrally across v1 and v2. */
public enum Controller {
    CPU, CPUACCT, MEMORY, PIDS, CPUSET, IO;

    /** The controller's name in cgroup v1 (blkio) or v2 (io). */
    public String name(String version) {
        if (this == IO) return version.equals("v1") ? "blkio" : "io";
        return name().toLowerCase();
    }
}
