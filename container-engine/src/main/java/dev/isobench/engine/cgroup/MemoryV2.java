package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;
import java.util.Map;

/** cgroup v2 memory: memory.max, memory.swap.max, memory.high; current, peak, events. */
final class MemoryV2 {
    private MemoryV2() {}

    static void apply(Path dir, Limits limits) {
        limits.memory().ifPresent(m -> CgroupFiles.write(dir.resolve("memory.max"), Long.toString(m)));
        if (limits.memory().isPresent() || limits.memorySwap().isPresent()) {
            long memory = limits.memory().orElse(0);
            long total = limits.memorySwap().orElse(2 * memory);
            // v2 limits swap alone, where docker's flag counts memory plus swap.
            String swap = total < 0 ? "max" : Long.toString(Math.max(0, total - memory));
            if (limits.memory().isPresent() || total < 0) CgroupFiles.write(dir.resolve("memory.swap.max"), swap);
        }
        limits.memoryReservation().ifPresent(r -> CgroupFiles.write(dir.resolve("memory.high"), Long.toString(r)));
    }

    static void read(Path dir, CgroupStatsBuilder b) {
        b.memoryUsage = CgroupFiles.readLong(dir.resolve("memory.current"));
        b.memoryPeak = CgroupFiles.readLong(dir.resolve("memory.peak"));
        b.memoryLimit = CgroupFiles.readLong(dir.resolve("memory.max"));
        Map<String, Long> events = CgroupFiles.keyed(dir.resolve("memory.events"));
        b.memoryFailcnt = events.getOrDefault("max", CgroupStats.UNKNOWN);
        b.oomKills = events.getOrDefault("oom_kill", CgroupStats.UNKNOWN);
    }
}
