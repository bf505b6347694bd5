package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;

/** The cpuset controller's CPU and memory node lists: the same files on v1 and v2. */
final class CpusetFiles {
    private CpusetFiles() {}

    static void apply(Path dir, Limits limits) {
        limits.cpusetCpus().ifPresent(c -> CgroupFiles.write(dir.resolve("cpuset.cpus"), c));
        limits.cpusetMems().ifPresent(m -> CgroupFiles.write(dir.resolve("cpuset.mems"), m));
    }
}
