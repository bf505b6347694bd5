package dev.isobench.report;

/**
 * One measured value in long format, the contract between benchmarks and reports (DESIGN.md section 5).
 * A confidence bound that does not apply is NaN and is written as an empty cell.
 *
 * @param suite     syscall, startup, rootfs, cgroup, network
 * @param benchmark what was measured, e.g. getpid or create-start-exit
 * @param target    where: host, engine, runc, crun, bwrap, unshare, podman
 * @param variant   how the target was set up, e.g. overlay, copy, seccomp, "" for the default
 * @param param     a swept parameter as key=value, "" if none
 * @param metric    median, p99, mean, ratio_vs_host, ...
 * @param unit      ns, ms, bytes, cpus, percent, ratio, ops/s
 * @param samples   how many observations the value summarises
 */
public record ResultRow(String suite, String benchmark, String target, String variant, String param, String metric,
                        String unit, double value, double ciLow, double ciHigh, long samples) {
    public static final String[] HEADER = {"suite", "benchmark", "target", "variant", "param", "metric", "unit", "value",
            "ci_low", "ci_high", "samples"};

    /** The identity compare lines up across runs. */
    public String key() {
        return String.join("|", suite, benchmark, target, variant, param, metric);
    }

    public static ResultRow of(String suite, String benchmark, String target, String variant, String param, String metric,
                               String unit, double value, long samples) {
        return new ResultRow(suite, benchmark, target, variant, param, metric, unit, value, Double.NaN, Double.NaN, samples);
    }

    public ResultRow withCi(double low, double high) {
        return new ResultRow(suite, benchmark, target, variant, param, metric, unit, value, low, high, samples);
    }

    public boolean hasCi() {
        return !Double.isNaN(ciLow) && !Double.isNaN(ciHigh);
    }
}
