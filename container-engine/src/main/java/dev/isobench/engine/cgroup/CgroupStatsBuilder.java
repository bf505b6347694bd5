package dev.isobench.engine.cgroup;

/** Collects counters from several controller files into one {@link CgroupStats}. */
final class CgroupStatsBuilder {
    long cpuUsageNanos = CgroupStats.UNKNOWN;
    long nrPeriods = CgroupStats.UNKNOWN;
    long nrThrottled = CgroupStats.UNKNOWN;
    long throttledNanos = CgroupStats.UNKNOWN;
    long memoryUsage = CgroupStats.UNKNOWN;
    long memoryPeak = CgroupStats.UNKNOWN;
    long memoryLimit = CgroupStats.UNKNOWN;
    long memoryFailcnt = CgroupStats.UNKNOWN;
    long oomKills = CgroupStats.UNKNOWN;
    long pidsCurrent = CgroupStats.UNKNOWN;
    long pidsLimit = CgroupStats.UNKNOWN;
    long ioReadBytes = CgroupStats.UNKNOWN;
    long ioWriteBytes = CgroupStats.UNKNOWN;

    CgroupStats build() {
        return new CgroupStats(cpuUsageNanos, nrPeriods, nrThrottled, throttledNanos, memoryUsage, memoryPeak, memoryLimit,
                memoryFailcnt, oomKills, pidsCurrent, pidsLimit, ioReadBytes, ioWriteBytes);
    }
}
