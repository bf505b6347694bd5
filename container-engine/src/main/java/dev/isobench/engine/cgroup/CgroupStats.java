package dev.isobench.engine.cgroup;

/**
 * One model of a group's counters for v1 and v2. {@link #UNKNOWN} (-1) marks what the host does not
 * report (memory.peak before Linux 5.19, say); a limit of {@link #UNLIMITED} means none is set.
 */
public record CgroupStats(long cpuUsageNanos, long nrPeriods, long nrThrottled, long throttledNanos,
                          long memoryUsage, long memoryPeak, long memoryLimit, long memoryFailcnt, long oomKills,
                          long pidsCurrent, long pidsLimit, long ioReadBytes, long ioWriteBytes) {
    public static final long UNKNOWN = -1;
    public static final long UNLIMITED = Long.MAX_VALUE;
    public static final CgroupStats NONE = new CgroupStats(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN,
            UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
}
