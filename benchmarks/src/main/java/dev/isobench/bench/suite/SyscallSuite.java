package dev.isobench.bench.suite;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.vm.GuestPoint;
import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.report.Stats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;

/**
 * System call latency with the static probe's native loop ({@code probe bench OP BATCHES ITERS}): the floor
 * without JVM or FFI cost. Each sample is one batch's mean ns/op; the same binary runs on every target.
 */
public final class SyscallSuite implements Suite {
    static final String NAME = "syscall";
    /**
     * A known, injected per-syscall cost: this many filter rules on an argument that never match. What costs is
     * that such a rule makes the kernel run the filter on every call (its per-syscall verdict cache cannot hold);
     * the rules themselves are nearly free with the BPF JIT (one rule measured the same as 150, see README).
     */
    static final int NOOP_RULES = 150;
    private static final String UNCONFINED = "seccomp-unconfined";
    private static final String HEADLINE_OP = "getpid";
    /** Runs of a target measured apart from the turns (a user-space kernel, the vm): the fewest that give an interval over runs. */
    private static final int SEPARATE_RUNS = 2;
    /** The share of the suite's budget for the turns; JMH's forks take the rest. */
    private static final double TURNS_SHARE = 0.75;
    private static final int HEADLINE_BATCHES = 4;
    /** The explain pass's calls: its stacks over about two seconds' worth; its system calls (each a record) over fewer. */
    private static final long EXPLAIN_MIN_CALLS = 10_000, EXPLAIN_MAX_CALLS = 50_000_000, EXPLAIN_SYSCALL_CALLS = 20_000;
    /** Slow operations run fewer iterations a batch, so every op takes about the same time. */
    private static final Map<String, Integer> DIVISOR = Map.of("mmap", 10, "pipe-pingpong", 10, "fork", 100, "open-close", 2);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        Profile.Syscall p = ctx.profile().syscall();
        List<Target> targets = new ArrayList<>(ctx.processTargets());
        if (ctx.wants("engine")) {
            targets.add(new EngineTarget(ctx.engine(), "", b -> b.seccomp(ctx.engineSeccomp()), ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "net-host", b -> b.network(NetworkMode.HOST), ctx.workspace().scratch()));
            // the default engine runs Docker's seccomp profile; these two isolate the filter's cost
            targets.add(new EngineTarget(ctx.engine(), UNCONFINED, b -> b.seccomp(Seccomp.UNCONFINED), ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "seccomp+" + NOOP_RULES + "-noop", b -> b.seccomp(Seccomp.withNoopRules(NOOP_RULES)),
                    ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "userns", b -> b.userns(IdMap.DEFAULT), ctx.workspace().scratch()));
        }
        List<Target> alone = targets.stream().filter(Target::userSpaceKernel).toList();
        targets.removeAll(alone);
        Map<String, List<double[]>> vm = vmSamples(ctx);
        List<double[]> inVm = p.ops().contains(HEADLINE_OP) ? containerInVm(ctx) : List.of();
        Map<Target, Map<String, List<double[]>>> separate = new LinkedHashMap<>();
        for (Target t : alone) separate.put(t, aloneSamples(ctx, t));
        Map<Target, Map<String, List<double[]>>> samples = measure(ctx, targets);
        double[] nativeHostGetpid = null;
        for (String op : p.ops()) {
            int iters = iters(p, op);
            List<double[]> host = null;
            List<double[]> unconfined = targets.stream().filter(t -> t.name().equals("engine") && t.variant().equals(UNCONFINED))
                    .map(t -> samples.get(t).get(op)).filter(r -> r != null && !r.isEmpty()).findFirst().orElse(null);
            for (Target t : targets) { // in the listed order, host first, whatever order they ran in
                List<double[]> runs = samples.get(t).get(op);
                if (runs == null || runs.isEmpty()) continue;
                Rows.Key k = new Rows.Key(NAME, op, t.name(), t.variant(), "iters=" + iters);
                boolean isHost = t.name().equals("host");
                rowsOfRuns(ctx, k, runs, isHost ? null : host);
                if (isHost) host = runs;
                if (isHost && op.equals(HEADLINE_OP)) nativeHostGetpid = Stats.pool(runs);
                if (unconfined != null && filtered(t)) Rows.ratioByRun(ctx, k, "unconfined", unconfined, runs);
            }
            for (var e : separate.entrySet()) { // SEPARATE_RUNS runs each: an interval over runs, however wide
                List<double[]> runs = e.getValue().get(op);
                if (runs != null) rowsOfRuns(ctx, new Rows.Key(NAME, op, e.getKey().name(), e.getKey().variant(), "iters=" + iters), runs, host);
            }
            if (vm.containsKey(op)) { // SEPARATE_RUNS probe processes in one boot
                var target = ctx.vm().get();
                rowsOfRuns(ctx, new Rows.Key(NAME, op, target.name(), target.variant(), "iters=" + iters), vm.get(op), host);
            }
            if (op.equals(HEADLINE_OP) && !inVm.isEmpty()) {
                rowsOfRuns(ctx, new Rows.Key(NAME, op, GuestPoint.TARGET, ctx.vm().get().variant(), "iters=" + iters), inVm, host);
            }
        }
        JmhSyscalls.run(ctx, Optional.ofNullable(nativeHostGetpid));
        Map<Target, Double> medians = new LinkedHashMap<>();
        for (Target t : targets) median(samples.get(t).get(HEADLINE_OP)).ifPresent(m -> medians.put(t, m));
        for (var e : separate.entrySet()) median(e.getValue().get(HEADLINE_OP)).ifPresent(m -> medians.put(e.getKey(), m));
        explain(ctx, medians.keySet().stream().filter(t -> !(t instanceof EngineTarget) || t.variant().isEmpty()).toList(), medians::get);
    }

    private static Optional<Double> median(List<double[]> runs) {
        return runs == null || runs.isEmpty() ? Optional.empty() : Optional.of(Stats.summarize(Stats.pool(runs)).median());
    }

    /**
     * --explain: each target's getpid loop once more under perf, untimed, for about a second at its timed median (its
     * container's start is in the profile too, spread over the calls).
     */
    static void explain(SuiteContext ctx, List<Target> targets, java.util.function.ToDoubleFunction<Target> medianNanos) {
        List<Explain.Work> works = new ArrayList<>();
        for (Target t : targets) {
            double median = medianNanos.applyAsDouble(t);
            long calls = Explain.opsFor(1, median, EXPLAIN_MIN_CALLS, EXPLAIN_MAX_CALLS);
            works.add(new Explain.Work(t, median, calls, Math.min(calls, EXPLAIN_SYSCALL_CALLS),
                    // the probe runs an untimed batch before its timed one: n calls are two batches of n/2
                    n -> () -> t.run(List.of("bench", HEADLINE_OP, "1", Long.toString(Math.max(1, n / 2)))).requireSuccess(t.label())));
        }
        Explain.run(ctx, NAME, "getpid in the probe's loop", "call", works);
    }

    /**
     * One target's rows of an op from its runs: the median with its interval over runs and the tails, the hlog, and
     * the ratio to the host's runs where there are some; getpid's ratio (the host's median, for the host) is a headline.
     */
    private static void rowsOfRuns(SuiteContext ctx, Rows.Key k, List<double[]> runs, List<double[]> host) {
        var median = Rows.summaryRuns(ctx, k, "ns", runs);
        Rows.hlog(ctx, k, Stats.pool(runs));
        var headline = host == null ? median : Rows.ratioByRun(ctx, k, "host", host, runs);
        if (k.benchmark().equals(HEADLINE_OP)) ctx.headline(headline);
    }

    /**
     * The engine variants that run a seccomp filter (its default, Docker's profile, and the no-op rules): their
     * ratio to the same engine without one ({@code ratio_vs_unconfined}) is the filter's own cost, paired by turn.
     */
    private static boolean filtered(Target t) {
        return t.name().equals("engine") && (t.variant().isEmpty() || t.variant().startsWith("seccomp+"));
    }

    /**
     * A probe's batches of an op in one turn. getpid takes HEADLINE_BATCHES times the others: it is the headline,
     * and what a filter's or a namespace's cost is judged on; its batches are short, so the extra ones cost a turn
     * little.
     */
    private static int batches(Profile.Syscall p, String op) {
        return op.equals(HEADLINE_OP) ? p.batchesPerTurn() * HEADLINE_BATCHES : p.batchesPerTurn();
    }

    private static int iters(Profile.Syscall p, String op) {
        return Math.max(10, p.iters() / DIVISOR.getOrDefault(op, 1));
    }

    /**
     * Each target's batches per op, in the profile's turns. A turn starts one probe per target, all at once, and
     * the probes take turns batch by batch ({@code probe bench-slots}, see {@link SlotSchedule}); each runs every op
     * in order, so a turn pays one container start per target. Taken one target after another, a slow spell of the
     * machine moves the getpid means from process to process, and a turn's ratios with them; in turns batch by batch,
     * far less (docs/measurements.md). Each probe's batches are kept as one run and the intervals are taken over
     * runs: batches of one process share its placement, so an interval over batches calls one setup different from
     * itself in the next run. An untimed first turn, one target after the other with plain
     * {@code probe bench}, sizes the slots and finds the targets and ops that fail, with the probe's reason.
     */
    private static Map<Target, Map<String, List<double[]>>> measure(SuiteContext ctx, List<Target> targets) {
        Profile.Syscall p = ctx.profile().syscall();
        ToIntFunction<String> perRound = op -> batches(p, op);
        Map<Target, Map<String, List<double[]>>> samples = new LinkedHashMap<>();
        Map<Target, Set<String>> failed = new HashMap<>();
        for (Target t : targets) {
            samples.put(t, new LinkedHashMap<>());
            failed.put(t, new HashSet<>());
        }
        List<Target> live = new ArrayList<>();
        long calibrationBegun = System.nanoTime();
        SlotSchedule sized = calibrate(ctx, targets, failed, live);
        double turnSeconds = (System.nanoTime() - calibrationBegun) / 1e9; // one after another: a turn in slots costs less
        if (sized == null) return samples;
        List<String> ops = p.ops().stream().filter(sized.slotNanos()::containsKey).toList();
        SlotSchedule schedule = sized;
        TurnOrder<Target> order = new TurnOrder<>(live);
        ExecutorService pool = Executors.newFixedThreadPool(live.size());
        int late = 0;
        int turns = 0;
        Budget budget = ctx.budget().share(TURNS_SHARE);
        try {
            for (int round = 0; round < p.maxTurns(); round++) {
                if (round >= p.minTurns() && (precise(ctx, live, samples) || !budget.affords(turnSeconds))) break;
                ctx.progress().step(NAME, "every op on " + live.size() + " targets in turns, turn " + (round + 1));
                long turnBegun = System.nanoTime();
                turns++;
                List<Target> turn = order.next();
                long t0 = System.nanoTime() + schedule.leadNanos();
                List<Future<Execution>> runs = new ArrayList<>();
                for (int i = 0; i < turn.size(); i++) {
                    Target t = turn.get(i);
                    List<String> command = schedule.command(t0, turn.size(), i, ops, perRound, op -> iters(p, op));
                    runs.add(pool.submit(() -> t.run(command)));
                }
                List<Execution> done = runs.stream().map(SyscallSuite::result).toList();
                List<BenchOutput> outs = BenchOutput.withoutOverlaps(done.stream().map(BenchOutput::of).toList());
                Map<String, Integer> lateOps = new HashMap<>();
                for (int i = 0; i < turn.size(); i++) {
                    BenchOutput out = record(ctx, turn.get(i), done.get(i), outs.get(i), failed, samples);
                    if (out != null) out.late().forEach((op, n) -> lateOps.merge(op, n, Integer::sum));
                }
                late += lateOps.values().stream().mapToInt(Integer::intValue).sum();
                schedule = schedule.widened(lateOps, op -> batches(p, op) * turn.size(), ops.get(0));
                turnSeconds = (System.nanoTime() - turnBegun) / 1e9;
            }
        } finally {
            pool.shutdownNow();
        }
        if (late > 0) {
            long all = (long) turns * live.size() * ops.stream().mapToInt(perRound).sum();
            ctx.manifest().warn(NAME + ": " + late + " of " + all + " batches were dropped: their slot was over before the probe"
                    + " got to it, or they ran while another probe's batch did (an op's slots grow after a turn that dropped more"
                    + " than a tenth of its batches)");
        }
        for (Target t : targets) failed.get(t).forEach(samples.get(t)::remove);
        return samples;
    }

    /**
     * Whether the headline (getpid) is known within the profile's precision on every target: the host's median and
     * each other target's ratio to it, judged on the spread of the runs' medians (a t-interval: conservative with
     * few runs, where a bootstrap over them is too narrow); a ratio's errors add in quadrature.
     */
    private static boolean precise(SuiteContext ctx, List<Target> live, Map<Target, Map<String, List<double[]>>> samples) {
        double target = ctx.profile().precision();
        double host = live.stream().filter(t -> t.name().equals("host")).map(t -> samples.get(t).get(HEADLINE_OP))
                .filter(r -> r != null).mapToDouble(Stats::relativeHalfWidthOverRuns).findFirst().orElse(0);
        for (Target t : live) {
            List<double[]> runs = samples.get(t).get(HEADLINE_OP);
            if (runs == null) continue; // failed on this target: nothing to wait for
            double own = Stats.relativeHalfWidthOverRuns(runs);
            double headline = t.name().equals("host") ? own : Precision.ratioHalfWidth(own, host);
            if (headline > target) return false;
        }
        return true;
    }

    /**
     * The untimed first turn: every target after the other with plain {@code probe bench}. Sizes the slots from
     * the batches and the lead from each run's time less its batches; records the targets and ops that fail, and
     * adds the targets that ran to {@code live}. Null when no op ran anywhere.
     */
    private static SlotSchedule calibrate(SuiteContext ctx, List<Target> targets, Map<Target, Set<String>> failed, List<Target> live) {
        Profile.Syscall p = ctx.profile().syscall();
        ctx.progress().step(NAME, "every op on " + targets.size() + " targets, one after another (untimed: sizes the slots)");
        List<String> plain = new ArrayList<>(List.of("bench"));
        for (String op : p.ops()) plain.addAll(List.of(op, Integer.toString(batches(p, op)), Integer.toString(iters(p, op))));
        Map<String, Double> slowest = new LinkedHashMap<>(); // per op, the slowest target's median batch
        long startCosts = 0;
        for (Target t : targets) {
            Execution run = t.run(plain);
            BenchOutput out = record(ctx, t, run, BenchOutput.of(run), failed, null);
            if (out == null) continue;
            live.add(t);
            double work = 0;
            for (var e : out.samples().entrySet()) {
                int iters = iters(p, e.getKey());
                double[] ns = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
                slowest.merge(e.getKey(), Stats.median(ns) * iters, Math::max);
                work += (ns.length + 1) * Arrays.stream(ns).average().orElse(0) * iters; // and the untimed batch
            }
            startCosts += Math.max(0, run.nanos() - (long) work);
        }
        return slowest.isEmpty() ? null : SlotSchedule.calibrate(slowest, startCosts);
    }

    /**
     * Reads one probe run: records the ops that failed (skipped once, with the probe's reason) and, when given
     * {@code samples}, the batches of the others as one run each. Null when the probe never ran: every op is out.
     */
    private static BenchOutput record(SuiteContext ctx, Target t, Execution run, BenchOutput out,
                                      Map<Target, Set<String>> failed, Map<Target, Map<String, List<double[]>>> samples) {
        if (failed.get(t).containsAll(ctx.profile().syscall().ops())) return null;
        if (!out.ran()) {
            ctx.skip(NAME, "every op on " + t.label(), "probe exited " + run.exitCode() + ": " + run.stderr().trim());
            failed.get(t).addAll(ctx.profile().syscall().ops());
            return null;
        }
        out.failures().forEach((op, why) -> {
            if (failed.get(t).add(op)) ctx.skip(NAME, op + " on " + t.label(), why);
        });
        if (samples != null) {
            out.samples().forEach((op, ns) -> {
                if (!failed.get(t).contains(op)) samples.get(t).computeIfAbsent(op, x -> new ArrayList<>()).add(ns.stream().mapToDouble(Double::doubleValue).toArray());
            });
        }
        return out;
    }

    private static Execution result(Future<Execution> run) {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the syscall probes ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * A target whose system calls a user-space kernel serves, on its own: SEPARATE_RUNS probes, one after the other,
     * each with every op's batches, after the others' turns are sized without it (a gVisor call can cost a thousand
     * times a host one). Two runs give its rows an interval over runs, and compare a verdict.
     */
    private static Map<String, List<double[]>> aloneSamples(SuiteContext ctx, Target t) {
        Profile.Syscall p = ctx.profile().syscall();
        ctx.progress().step(NAME, "all ops on " + t.label() + " on its own (a user-space kernel)");
        // Half the batches of the minimum turns in all: a call costs about a thousand times the host's, so precision
        // is not short, and each op takes seconds
        List<String> plain = new ArrayList<>(List.of("bench"));
        for (String op : p.ops()) {
            plain.addAll(List.of(op, Integer.toString(Math.max(2, p.batchesPerTurn() * p.minTurns() / (2 * SEPARATE_RUNS))), Integer.toString(iters(p, op))));
        }
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        for (int r = 0; r < SEPARATE_RUNS; r++) {
            Execution run = t.run(plain);
            BenchOutput out = BenchOutput.of(run);
            if (!out.ran()) {
                ctx.skip(NAME, "every op on " + t.label(), "probe exited " + run.exitCode() + ": " + run.stderr().trim());
                return new LinkedHashMap<>();
            }
            if (r == 0) out.failures().forEach((op, why) -> ctx.skip(NAME, op + " on " + t.label(), why));
            out.samples().forEach((op, ns) -> samples.computeIfAbsent(op, x -> new ArrayList<>()).add(ns.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        samples.values().removeIf(runs -> runs.size() < SEPARATE_RUNS); // an op that failed in one run is out
        return samples;
    }

    /**
     * The spectrum's container in a VM: getpid in a container of the engine inside one boot of the guest, in
     * SEPARATE_RUNS probe processes with the vm target's batches; empty where there is no guest.
     */
    private static List<double[]> containerInVm(SuiteContext ctx) {
        if (ctx.vm().isEmpty() || ctx.vm().get().guest().isEmpty() || !ctx.wants("engine")) return List.of();
        Optional<GuestPoint.Result> measured = ctx.vm().get().containerInVmMeasured(); // by the startup suite, in its boot
        if (measured.isPresent() && !measured.get().getpidRuns().isEmpty()) return measured.get().getpidRuns();
        if (ctx.budget().secondsLeft() < GuestPoint.MIN_SECONDS) {
            ctx.skip(NAME, HEADLINE_OP + " on " + GuestPoint.TARGET, "the suite's budget has less than " + GuestPoint.MIN_SECONDS + " s left for a guest's boot");
            return List.of();
        }
        ctx.progress().step(NAME, "container in a VM: getpid in the engine's container in one boot of a guest (" + ctx.vm().get().variant() + ")");
        try {
            List<String> args = new ArrayList<>(List.of("--warmups", "1"));
            args.addAll(guestGetpidArgs(ctx.profile()));
            return ctx.vm().get().containerInVm(ctx.engine().binaries().probe(), ctx.workspace().dir().resolve("guest"), args).getpidRuns();
        } catch (RuntimeException e) {
            ctx.skip(NAME, HEADLINE_OP + " on " + GuestPoint.TARGET, e.getMessage());
            return List.of();
        }
    }

    /** The guest-point options for getpid in a container: SEPARATE_RUNS probe processes with the vm target's batches. */
    static List<String> guestGetpidArgs(Profile profile) {
        Profile.Syscall p = profile.syscall();
        int batches = Math.max(2, p.batchesPerTurn() * p.minTurns() / SEPARATE_RUNS);
        return List.of("--getpid-runs", Integer.toString(SEPARATE_RUNS), "--batches", Integer.toString(batches), "--iters",
                Integer.toString(iters(p, HEADLINE_OP)));
    }

    /**
     * Every op's batches in one boot of the VM (a boot costs seconds under emulation), in SEPARATE_RUNS probe
     * processes per op: runs, for an interval over runs.
     */
    private static Map<String, List<double[]>> vmSamples(SuiteContext ctx) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        if (ctx.vm().isEmpty()) return out;
        Profile.Syscall p = ctx.profile().syscall();
        ctx.progress().step(NAME, "all ops in one boot of the vm (" + ctx.vm().get().variant() + ")");
        List<List<String>> commands = new ArrayList<>();
        List<String> opOf = new ArrayList<>();
        for (String op : p.ops()) {
            int batches = Math.max(2, p.batchesPerTurn() * p.minTurns() / SEPARATE_RUNS);
            for (int r = 0; r < SEPARATE_RUNS; r++) {
                commands.add(List.of("bench", op, Integer.toString(batches), Integer.toString(iters(p, op))));
                opOf.add(op);
            }
        }
        Set<String> failed = new HashSet<>();
        try {
            var boot = ctx.vm().get().boot(commands);
            for (int i = 0; i < commands.size(); i++) {
                var f = boot.frames().get(i);
                String op = opOf.get(i);
                if (f.exitCode() != 0) {
                    if (failed.add(op)) ctx.skip(NAME, op + " on vm", "the guest's probe exited " + f.exitCode() + ": " + f.output().trim());
                    continue;
                }
                double[] ns = new ProbeOutput(f.output()).fields("ns_per_op").stream().mapToDouble(x -> Double.parseDouble(x[1])).toArray();
                out.computeIfAbsent(op, x -> new ArrayList<>()).add(ns);
            }
        } catch (RuntimeException e) {
            ctx.skip(NAME, "vm", e.getMessage());
        }
        failed.forEach(out::remove);
        return out;
    }
}
