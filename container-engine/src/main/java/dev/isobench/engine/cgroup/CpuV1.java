package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;
import java.util.Map;

/** cgroup v1 cpu and cpuacct: CFS quota/period, shares, real-time runtime; usage and throttling counters. */
final class CpuV1 {
    private CpuV1() {}

    static void apply(Path cpu, Limits limits) {
        limits.cpu().ifPresent(q -> {
            CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(q.periodMicros()));
            CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(q.quotaMicros()));
        });
        limits.cpuShares().ifPresent(s -> CgroupFiles.write(cpu.resolve("cpu.shares"), Long.toString(s)));
        // period before runtime: the kernel checks the runtime against the period it has
        limits.cpuRtPeriod().ifPresent(p -> CgroupFiles.write(cpu.resolve("cpu.rt_period_us"), Long.toString(p)));
        limits.cpuRtRuntime().ifPresent(r -> CgroupFiles.write(cpu.resolve("cpu.rt_runtime_us"), Long.toString(r)));
    }

    static void read(Path cpu, Path cpuacct, CgroupStatsBuilder b) {
        if (cpuacct != null) b.cpuUsageNanos = CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage"));
        Map<String, Long> stat = CgroupFiles.keyed(cpu.resolve("cpu.stat"));
        b.nrPeriods = stat.getOrDefault("nr_periods", CgroupStats.UNKNOWN);
        b.nrThrottled = stat.getOrDefault("nr_throttled", CgroupStats.UNKNOWN);
        b.throttledNanos = stat.getOrDefault("throttled_time", CgroupStats.UNKNOWN);
    }
}
