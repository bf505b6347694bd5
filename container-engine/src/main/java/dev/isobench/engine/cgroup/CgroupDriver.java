package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The engine's one seam to cgroups. It knows nothing about containers: it manages groups by their path in every
 * hierarchy ({@link CgroupPath}), the engine's own under {@code isobench/}, and writes only to groups it made or
 * was told to use. What a create made it returns, so that a delete removes exactly that.
 */
public interface CgroupDriver {
    /** "v1", "v2" or "none", for manifests and error messages. */
    String version();

    /** The controllers this host lets the engine use. */
    Set<Controller> controllers();

    /** Whether a memory+swap limit can be set (v1 needs swap accounting, v2 memory.swap.max). */
    boolean supportsSwapLimit();

    /** Writes the limits that are set; leaves the others as they are (so update works the same). */
    void apply(CgroupPath group, Limits limits);

    /** The group's counters now. */
    CgroupStats stats(CgroupPath group);

    /**
     * Creates the group and any group above it that is missing, with Docker's device allow-list where a devices
     * controller exists; fails if the host cannot hold it. Returns the directories it made, outermost first.
     */
    List<Path> create(CgroupPath group);

    /** A hint after a create is done: make groups ahead for the next creates, where the driver can. */
    default void prepareAhead() {}

    /** Lifts the device allow-list ({@code --privileged}). */
    default void allowAllDevices(CgroupPath group) {}

    /**
     * The files a process writes "0" into to join the group itself, one per hierarchy: v1 {@code tasks} (the
     * kernel skips its global threadgroup lock for a thread moving itself), v2 {@code cgroup.procs}.
     */
    List<Path> joinFiles(CgroupPath group);

    /** Pids currently in the group, in any of its hierarchies. */
    List<Integer> pids(CgroupPath group);

    /** Kills what is still inside, waits for it, and removes the group in every hierarchy. Missing groups are fine. */
    void destroy(CgroupPath group);

    /** The directories of the hierarchies the engine uses, one per hierarchy (a v2 host has one). */
    List<Path> roots();

    /** The directories a {@link #create} of this group would make now, outermost first. */
    default List<Path> missing(CgroupPath group) {
        List<Path> missing = new ArrayList<>();
        for (Path root : roots()) {
            for (Path dir : group.chain(root)) {
                if (!Files.isDirectory(dir)) missing.add(dir);
            }
        }
        return missing;
    }

    /**
     * Removes exactly what a {@link #create} made, innermost first: the group's own directories (killing what is
     * still inside) and the groups above it, each only while empty. Never a directory the create did not make.
     */
    default void remove(CgroupPath group, List<Path> made) {
        for (int i = made.size() - 1; i >= 0; i--) {
            Path dir = made.get(i);
            if (dir.endsWith(group.relative())) removeGroupDirectory(dir);
            else CgroupFiles.removeIfEmpty(dir);
        }
    }

    /** Kills what is in one group's directory, waits for it, and removes the directory. */
    default void removeGroupDirectory(Path dir) {
        CgroupFiles.remove(dir, () -> CgroupFiles.pids(dir).forEach(pid -> Native.kill(pid, 9)));
    }

    /** Removes groups made ahead by a JVM that is gone, and the isobench/ parents once no group is left in them, so an idle host is as it was. */
    void prune();

    /** Ids of the containers' groups that exist under isobench/ now (groups holding groups are parents, left out). */
    List<String> list();
}
