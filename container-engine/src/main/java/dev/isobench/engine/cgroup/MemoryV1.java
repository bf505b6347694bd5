package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Files;
import java.nio.file.Path;

/** cgroup v1 memory: limit, memory+swap, soft limit, swappiness, the OOM killer; usage, peak, failcnt, OOM kills. */
final class MemoryV1 {
    private static final String MEMSW = "memory.memsw.limit_in_bytes";

    private MemoryV1() {}

    static boolean hasSwapAccounting(Path dir) {
        return Files.exists(dir.resolve(MEMSW));
    }

    static void apply(Path dir, Limits limits) {
        boolean memsw = hasSwapAccounting(dir);
        if (limits.memory().isPresent()) {
            long memory = limits.memory().getAsLong();
            // memsw must never be below the memory limit, so it is opened up first and set last.
            if (memsw) CgroupFiles.write(dir.resolve(MEMSW), "-1");
            CgroupFiles.write(dir.resolve("memory.limit_in_bytes"), Long.toString(memory));
            long swap = limits.memorySwap().orElse(2 * memory); // docker's default: as much swap as memory
            if (memsw) CgroupFiles.write(dir.resolve(MEMSW), Long.toString(swap));
        } else if (limits.memorySwap().isPresent() && memsw) {
            CgroupFiles.write(dir.resolve(MEMSW), Long.toString(limits.memorySwap().getAsLong()));
        }
        limits.memoryReservation().ifPresent(r -> CgroupFiles.write(dir.resolve("memory.soft_limit_in_bytes"), Long.toString(r)));
        limits.memorySwappiness().ifPresent(s -> CgroupFiles.write(dir.resolve("memory.swappiness"), Long.toString(s)));
        limits.oomKillDisable().ifPresent(d -> CgroupFiles.write(dir.resolve("memory.oom_control"), d ? "1" : "0"));
    }

    static void read(Path dir, CgroupStatsBuilder b) {
        b.memoryUsage = CgroupFiles.readLong(dir.resolve("memory.usage_in_bytes"));
        b.memoryPeak = CgroupFiles.readLong(dir.resolve("memory.max_usage_in_bytes"));
        long limit = CgroupFiles.readLong(dir.resolve("memory.limit_in_bytes"));
        // v1 reports "no limit" as the largest page-aligned long.
        b.memoryLimit = limit >= Long.MAX_VALUE - (1L << 20) ? CgroupStats.UNLIMITED : limit;
        b.memoryFailcnt = CgroupFiles.readLong(dir.resolve("memory.failcnt"));
        b.oomKills = CgroupFiles.keyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", CgroupStats.UNKNOWN);
    }
}
