package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;

/** The pids controller: the same files on v1 and v2. */
final class PidsFiles {
    private PidsFiles() {}

    static void apply(Path dir, Limits limits) {
        limits.pids().ifPresent(p -> CgroupFiles.write(dir.resolve("pids.max"), Long.toString(p)));
    }

    static void read(Path dir, CgroupStatsBuilder b) {
        b.pidsCurrent = CgroupFiles.readLong(dir.resolve("pids.current"));
        b.pidsLimit = CgroupFiles.readLong(dir.resolve("pids.max"));
    }
}
