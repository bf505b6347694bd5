package dev.isobench.bench.suite;

import java.util.List;

/**
 * How much a run measures. {@code quick} gives every suite a row in under 5 minutes on 2 cores;
 * {@code full} sweeps wider and repeats more (under 30 minutes). {@code tiny} is a smoke run (every suite in
 * about a minute and a half, a few ops and sizes, the fewest repeats that still give intervals): that a host runs
 * the suites at all, e.g. a fleet's first run; its intervals are wide. Written whole into the manifest.
 *
 * <p>{@code engineWarmups}: runs of each in-process engine variant before any is measured. The variants share
 * most code, so together they take it past the JIT's compile thresholds (C1 compiles a method after about 200
 * calls): after 150 runs in all, the engine's own phases measured 0.85 ms slower than after 500.
 *
 * <p>{@code syscallTurns}: probe runs per target in the syscall suite, each with its share of the batches. The
 * intervals are taken over these runs (a run's batches share its placement), and a bootstrap over few runs is
 * rough: the full profile takes 16, which gave getpid ratios to the host known to about +-0.8-1.2% here (+-4-5%
 * before the probes took turns batch by batch), the quick one 6, +-0.5-2.5%.
 *
 * <p>{@code budgetSeconds}: the wall time the profile promises on a 2-core host, from the runner's start to its
 * last suite. The runner records what each suite took and warns when the whole run went over.
 */
public record Profile(String name, int startupRuns, int engineWarmups, int cliRuns, double stormSeconds, List<Integer> stormLevels,
                      int syscallBatches, int syscallIters, int syscallTurns, List<String> syscallOps, List<String> rootfsSizes, int rootfsRuns,
                      List<String> copyUpSizes, List<Integer> layerDepths, List<Double> quotaCpus, List<Integer> quotaThreads,
                      double quotaSeconds, List<Integer> shareRatios, List<Integer> memoryLimitsMib, List<Integer> pidsLimits,
                      int jmhForks, int jmhWarmups, int jmhIterations, int jmhMillis,
                      int netPings, int netStreamRuns, double netStreamSeconds, int vmBoots, int budgetSeconds) {
    public static final List<String> ALL_OPS = List.of("getpid", "getppid", "read", "write", "open-close", "stat", "mmap",
            "pipe-pingpong", "fork");

    public static Profile quick() {
        return new Profile("quick", 40, 60, 5, 2.0, List.of(1, 2, 4, 8, 16), 30, 1000, 6, ALL_OPS, List.of("10m", "100m"), 3,
                List.of("4k", "1m", "64m"), List.of(1, 4, 16), List.of(0.25, 0.5, 1.0, 1.5), List.of(1, 2), 2.0,
                List.of(1, 2, 4), List.of(16, 64), List.of(20), 1, 1, 3, 300,
                2000, 3, 1.0, 3, 300);
    }

    public static Profile tiny() {
        return new Profile("tiny", 8, 20, 2, 0.5, List.of(1, 2), 12, 1000, 3, List.of("getpid", "read", "stat", "open-close"), List.of("10m"), 1,
                List.of("4k"), List.of(1, 4), List.of(0.5), List.of(1), 1.0, List.of(2), List.of(16), List.of(20), 1, 1, 2, 100,
                200, 1, 0.5, 1, 90);
    }

    public static Profile full() {
        return new Profile("full", 200, 100, 20, 5.0, List.of(1, 2, 4, 8, 16), 100, 5000, 16, ALL_OPS, List.of("10m", "100m", "1g", RootfsSuite.HOST_TREE), 5,
                List.of("4k", "64k", "1m", "16m", "64m", "256m"), List.of(1, 2, 4, 8, 16, 32), List.of(0.1, 0.25, 0.5, 1.0, 1.5, 2.0),
                List.of(1, 2, 4), 3.0, List.of(1, 2, 4), List.of(16, 32, 64, 128, 256, 512), List.of(20, 100), 2, 2, 5, 1000,
                20000, 3, 10.0, 10, 1800);
    }

    public static Profile named(String name) {
        return switch (name) {
            case "quick" -> quick();
            case "full" -> full();
            case "tiny" -> tiny();
            default -> throw new IllegalArgumentException("--profile must be quick, full or tiny, got '" + name + "'");
        };
    }
}
