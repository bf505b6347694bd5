package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;
import java.util.Map;

/** cgroup v1 cpu and cpuacct: CFS quota/period, shares; usage and throttling counters. */
final class CpuV1 {
    private CpuV1() {}

    static void apply(Path cpu, Limits limits) {
        limits.cpu().ifPresent(q -> {
            CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(q.periodMicros()));
            CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(q.quotaMicros()));
        });
        limits.cpuShares().ifPresent(s -> CgroupFiles.write(cpu.resolve("cpu.shares"), Long.toString(s)));
    }

    static void read(Path cpu, Path cpuacct, CgroupStatsBuilder b) {
        if (cpuacct != null) b.cpuUsageNanos = CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage"));
        Map<String, Long> stat = CgroupFiles.keyed(cpu.resolve("cpu.stat"));
        b.nrPeriods = stat.getOrDefault("nr_periods", CgroupStats.UNKNOWN);
        b.nrThrottled = stat.getOrDefault("nr_throttled", CgroupStats.UNKNOWN);
        b.throttledNanos = stat.getOrDefault("throttled_time", CgroupStats.UNKNOWN);
    }
}
