package dev.isobench.bench.suite;

import java.util.List;
import java.util.Map;

/**
 * How long a run may take, how precise its headlines must be, and what each suite sweeps. A profile is a file
 * (JSON, one section per suite: {@link ProfileFiles}); {@code quick}, {@code full} and {@code tiny} ship as
 * resources. The runner decides the counts: every measurement takes its minimum, then keeps sampling, in turns,
 * until its headline's 95% interval is within {@code precision} or its share of the budget is spent
 * ({@link Budget}). Written whole into the manifest.
 *
 * @param budgetSeconds the whole run's wall time, from the runner's start to its report, on any host
 * @param precision the half-width of a headline's 95% interval that ends its sampling, as a fraction of its value
 * @param shares each suite's weight in the budget; what one suite leaves goes to those after it
 */
public record Profile(String name, int budgetSeconds, double precision, Map<String, Double> shares, Startup startup,
                      Syscall syscall, Rootfs rootfs, Cgroup cgroup, Network network, App app, Jmh jmh) {
    public static final List<String> ALL_OPS = List.of("getpid", "getppid", "read", "write", "open-close", "stat", "mmap",
            "pipe-pingpong", "fork");

    public Profile {
        shares = Map.copyOf(shares);
    }

    /**
     * Start-to-exit runs per target, taken in turns (min to max); untimed runs of each in-process engine variant
     * first (together they take the engine's code past the JIT's compile thresholds: C1 compiles a method after
     * about 200 calls); runs of each JVM-per-call CLI and each client over a runtime; each storm's length (at most:
     * the budget may shorten it) and in-flight counts; boots of the vm target (seconds each under emulation).
     */
    public record Startup(int minRuns, int maxRuns, int engineWarmups, int cliRuns, double stormSeconds, List<Integer> stormLevels, int vmBoots) {
        public Startup {
            stormLevels = List.copyOf(stormLevels);
        }
    }

    /**
     * Probe runs per target (min to max turns; intervals are taken over these runs, since a run's batches share its
     * placement); batches of each op in a turn (getpid, the headline, takes four times as many); calls per batch
     * (slow ops take fewer).
     */
    public record Syscall(int minTurns, int maxTurns, int batchesPerTurn, int iters, List<String> ops) {
        public Syscall {
            ops = List.copyOf(ops);
        }
    }

    /** Synthetic image sizes (or {@code host}: the host's /usr in place), turns of each measurement, copy-up sizes, layer depths. */
    public record Rootfs(List<String> sizes, int runs, List<String> copyUpSizes, List<Integer> layerDepths) {
        public Rootfs {
            sizes = List.copyOf(sizes);
            copyUpSizes = List.copyOf(copyUpSizes);
            layerDepths = List.copyOf(layerDepths);
        }
    }

    /** The quota and shares sweeps; each window lasts quotaSeconds at most (the budget may shorten it). */
    public record Cgroup(List<Double> quotaCpus, List<Integer> quotaThreads, double quotaSeconds, List<Integer> shareRatios,
                         List<Integer> memoryLimitsMib, List<Integer> pidsLimits) {
        public Cgroup {
            quotaCpus = List.copyOf(quotaCpus);
            quotaThreads = List.copyOf(quotaThreads);
            shareRatios = List.copyOf(shareRatios);
            memoryLimitsMib = List.copyOf(memoryLimitsMib);
            pidsLimits = List.copyOf(pidsLimits);
        }
    }

    /** Round trips per path in all; bulk stream turns, each streamSeconds at most. */
    public record Network(int pings, int streamRuns, double streamSeconds) {}

    /**
     * The application suite: its workloads (redis, postgres-select, postgres-tpcb, nginx-1k, nginx-100k, fio-randread,
     * fio-randwrite, fio-read, fio-write, cpu, memory), the servers' concurrency sweep (load generator connections),
     * runs per target (min to max, in turns, until the throughput's interval meets the precision or the budget
     * ends), each run's length at most, the knob variants beside each target's base setup (engine-published,
     * engine-bridge, engine-layer, engine-unconfined, engine-limits, docker-published, docker-layer) and the one point
     * of the sweep the servers' variants run at, pgbench's scale and fio's file size.
     */
    public record App(List<String> workloads, List<Integer> clients, int minRuns, int maxRuns, double runSeconds, List<String> variants,
                      int variantClients, int pgbenchScale, int fioFileMib) {
        public static final List<String> WORKLOADS = List.of("redis", "postgres-select", "postgres-tpcb", "nginx-1k", "nginx-100k",
                "fio-randread", "fio-randwrite", "fio-read", "fio-write", "cpu", "memory");
        public static final List<String> VARIANTS = List.of("engine-published", "engine-bridge", "engine-layer", "engine-unconfined",
                "engine-limits", "docker-published", "docker-layer");

        public App {
            workloads = List.copyOf(workloads);
            clients = List.copyOf(clients);
            variants = List.copyOf(variants);
        }
    }

    public record Jmh(int forks, int warmups, int iterations, int millis) {}

    /** The named suite's weight in the budget (0 for one the profile does not name). */
    public double share(String suite) {
        return shares.getOrDefault(suite, 0.0);
    }

    public static Profile quick() {
        return ProfileFiles.builtIn("quick");
    }

    public static Profile tiny() {
        return ProfileFiles.builtIn("tiny");
    }

    public static Profile full() {
        return ProfileFiles.builtIn("full");
    }

    /** A built-in profile by name, or a profile file by its path. */
    public static Profile named(String nameOrFile) {
        return ProfileFiles.load(nameOrFile);
    }
}
