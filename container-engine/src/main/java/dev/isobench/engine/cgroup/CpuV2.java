package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.Limits;
import java.nio.file.Path;
import java.util.Map;

/** cgroup v2 cpu: cpu.max, cpu.weight (from docker's shares); cpu.stat in microseconds. */
final class CpuV2 {
    private CpuV2() {}

    static void apply(Path dir, Limits limits) {
        limits.cpu().ifPresent(q -> CgroupFiles.write(dir.resolve("cpu.max"), q.quotaMicros() + " " + q.periodMicros()));
        limits.cpuShares().ifPresent(s -> CgroupFiles.write(dir.resolve("cpu.weight"), Long.toString(weight(s))));
    }

    /** The conversion runc and crun use: shares 2..262144 onto weight 1..10000. */
    static long weight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    static void read(Path dir, CgroupStatsBuilder b) {
        Map<String, Long> stat = CgroupFiles.keyed(dir.resolve("cpu.stat"));
        b.cpuUsageNanos = micros(stat.get("usage_usec"));
        b.nrPeriods = stat.getOrDefault("nr_periods", CgroupStats.UNKNOWN);
        b.nrThrottled = stat.getOrDefault("nr_throttled", CgroupStats.UNKNOWN);
        b.throttledNanos = micros(stat.get("throttled_usec"));
    }

    private static long micros(Long us) {
        return us == null || us < 0 ? CgroupStats.UNKNOWN : us * 1000;
    }
}
