package dev.isobench.engine.spec;

/** A CFS bandwidth limit: {@code quotaMicros} of CPU time in every {@code periodMicros}. */
public record CpuQuota(long quotaMicros, long periodMicros) {
    public static final long DEFAULT_PERIOD = 100_000;

    public CpuQuota {
        if (periodMicros < 1_000 || periodMicros > 1_000_000) {
            throw new IllegalArgumentException("--cpu-period must be between 1000 and 1000000 microseconds, got " + periodMicros);
        }
        if (quotaMicros < 1_000) {
            throw new IllegalArgumentException("--cpus gives a quota of " + quotaMicros + " us per period; the kernel needs at least 1000 us");
        }
    }

    /** {@code cpus} CPUs' worth of time in each period, as docker's --cpus. */
    public static CpuQuota cpus(double cpus, long periodMicros) {
        if (!(cpus > 0)) throw new IllegalArgumentException("--cpus must be a positive number, got " + cpus);
        return new CpuQuota(Math.round(cpus * periodMicros), periodMicros);
    }

    public double cpus() {
        return (double) quotaMicros / periodMicros;
    }
}
