package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The engine's one seam to cgroups. It knows nothing about containers: it manages groups named by id,
 * all of them under {@code isobench/} in each hierarchy, and never writes anywhere else.
 */
public interface CgroupDriver {
    /** "v1", "v2" or "none", for manifests and error messages. */
    String version();

    /** The controllers this host lets the engine use. */
    Set<Controller> controllers();

    /** Whether a memory+swap limit can be set (v1 needs swap accounting, v2 memory.swap.max). */
    boolean supportsSwapLimit();

    /** Writes the limits that are set; leaves the others as they are (so update works the same). */
    void apply(String id, Limits limits);

    /** The group's counters now. */
    CgroupStats stats(String id);

    /** Creates the group, with Docker's device allow-list where a devices controller exists; fails if the host cannot hold it. */
    void create(String id);

    /** A hint after a create is done: make groups ahead for the next creates, where the driver can. */
    default void prepareAhead() {}

    /** Lifts the device allow-list ({@code --privileged}). */
    default void allowAllDevices(String id) {}

    /**
     * The files a process writes "0" into to join the group itself, one per hierarchy: v1 {@code tasks} (the
     * kernel skips its global threadgroup lock for a thread moving itself), v2 {@code cgroup.procs}.
     */
    List<Path> joinFiles(String id);

    /** Pids currently in the group, in any of its hierarchies. */
    List<Integer> pids(String id);

    /** Kills what is still inside, waits for it, and removes the group. Missing groups are fine. */
    void destroy(String id);

    /** Removes groups made ahead by a JVM that is gone, and the isobench/ parents once no group is left in them, so an idle host is as it was. */
    void prune();

    /** Ids of the groups that exist under isobench/ now. */
    List<String> list();
}
