package dev.isobench.bench.suite;

import dev.isobench.bench.target.EngineTarget;
import dev.isobench.bench.target.Target;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.report.Stats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * System call latency with the static probe's native loop ({@code probe bench OP BATCHES ITERS}): the floor
 * without JVM or FFI cost. Each sample is one batch's mean ns/op; the same binary runs on every target.
 */
public final class SyscallSuite implements Suite {
    static final String NAME = "syscall";
    /**
     * The order of targets in each turn ({@link Profile#syscallTurns}) is shuffled with this seed: a slow spell of
     * the machine then lands on all targets alike instead of on the one that ran during it. With 3 turns in a
     * fixed order the same-run getpid container/host ratio ranged 0.92-1.21 over three quick runs.
     */
    private static final long ORDER_SEED = 20261129L;
    /**
     * A known, injected per-syscall cost: this many filter rules on an argument that never match. What costs is
     * that such a rule makes the kernel run the filter on every call (its per-syscall verdict cache cannot hold);
     * the rules themselves are nearly free with the BPF JIT (one rule measured the same as 150, see README).
     */
    static final int NOOP_RULES = 150;
    /** Slow operations run fewer iterations a batch, so every op takes about the same time. */
    private static final Map<String, Integer> DIVISOR = Map.of("mmap", 10, "pipe-pingpong", 10, "fork", 100, "open-close", 2);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        Profile p = ctx.profile();
        List<Target> targets = new ArrayList<>(ctx.processTargets());
        if (ctx.wants("engine")) {
            targets.add(new EngineTarget(ctx.engine(), "", b -> b, ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "net-host", b -> b.network(NetworkMode.HOST), ctx.workspace().scratch()));
            // the default engine runs Docker's seccomp profile; these two isolate the filter's cost
            targets.add(new EngineTarget(ctx.engine(), "seccomp-unconfined", b -> b.seccomp(Seccomp.UNCONFINED), ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "seccomp+" + NOOP_RULES + "-noop", b -> b.seccomp(Seccomp.withNoopRules(NOOP_RULES)),
                    ctx.workspace().scratch()));
            targets.add(new EngineTarget(ctx.engine(), "userns", b -> b.userns(dev.isobench.engine.spec.IdMap.DEFAULT), ctx.workspace().scratch()));
        }
        ctx.progress().plan(p.syscallTurns() + 2 + (ctx.vm().isPresent() ? 1 : 0));
        Map<String, double[]> vm = vmSamples(ctx);
        Map<Target, Map<String, List<double[]>>> samples = measure(ctx, targets);
        double[] nativeHostGetpid = null;
        for (String op : p.syscallOps()) {
            int iters = iters(p, op);
            List<double[]> host = null;
            for (Target t : targets) { // in the listed order, host first, whatever order they ran in
                List<double[]> runs = samples.get(t).get(op);
                if (runs == null || runs.isEmpty()) continue;
                Rows.Key k = new Rows.Key(NAME, op, t.name(), t.variant(), "iters=" + iters);
                Rows.summaryRuns(ctx, k, "ns", runs);
                Rows.hlog(ctx, k, Stats.pool(runs));
                if (t.name().equals("host") && op.equals("getpid")) nativeHostGetpid = Stats.pool(runs);
                if (t.name().equals("host")) host = runs;
                else if (host != null) Rows.ratioByRun(ctx, k, "host", host, runs);
            }
            if (vm.containsKey(op)) { // one boot: one run, so no interval over runs
                var target = ctx.vm().get();
                Rows.Key k = new Rows.Key(NAME, op, target.name(), target.variant(), "iters=" + iters);
                List<double[]> runs = List.of(vm.get(op));
                Rows.summaryRuns(ctx, k, "ns", runs);
                Rows.hlog(ctx, k, vm.get(op));
                if (host != null) Rows.ratioByRun(ctx, k, "host", host, runs);
            }
        }
        JmhSyscalls.run(ctx, java.util.Optional.ofNullable(nativeHostGetpid));
    }

    private static int iters(Profile p, String op) {
        return Math.max(10, p.syscallIters() / DIVISOR.getOrDefault(op, 1));
    }

    /**
     * Each target's batches per op, in the profile's turns. A turn starts one probe per target that runs every
     * op in order ({@code probe bench OP BATCHES ITERS ...}): one container start per target and turn instead of
     * one per op (in the quick profile 20 s instead of 45 s). An op that fails on a target is skipped there with
     * the probe's reason; the other ops keep their samples. Each probe's batches are kept as one run: batches of
     * one process share its placement, and the intervals are taken over runs. Over batches they were too narrow:
     * runc's getpid came out 0.93 [0.91, 0.96] of the host's in one run and 1.02 [0.98, 1.05] in the next.
     */
    private static Map<Target, Map<String, List<double[]>>> measure(SuiteContext ctx, List<Target> targets) {
        Profile p = ctx.profile();
        int turns = p.syscallTurns();
        int perRound = Math.max(1, p.syscallBatches() / turns);
        List<String> command = new ArrayList<>(List.of("bench"));
        for (String op : p.syscallOps()) command.addAll(List.of(op, Integer.toString(perRound), Integer.toString(iters(p, op))));
        Map<Target, Map<String, List<double[]>>> samples = new LinkedHashMap<>();
        Map<Target, Set<String>> failed = new HashMap<>();
        for (Target t : targets) {
            samples.put(t, new LinkedHashMap<>());
            failed.put(t, new HashSet<>());
        }
        Random order = new Random(ORDER_SEED);
        List<Target> turn = new ArrayList<>(targets);
        for (int round = 0; round < turns; round++) {
            ctx.progress().step(NAME, "every op on " + targets.size() + " targets, turn " + (round + 1) + " of " + turns);
            Collections.shuffle(turn, order);
            for (Target t : turn) {
                if (failed.get(t).containsAll(p.syscallOps())) continue;
                var run = t.run(command);
                BenchOutput out = BenchOutput.of(run);
                if (!out.ran()) {
                    ctx.skip(NAME, "every op on " + t.label(), "probe exited " + run.exitCode() + ": " + run.stderr().trim());
                    failed.get(t).addAll(p.syscallOps());
                    continue;
                }
                out.failures().forEach((op, why) -> {
                    if (failed.get(t).add(op)) ctx.skip(NAME, op + " on " + t.label(), why);
                });
                out.samples().forEach((op, ns) -> {
                    if (!failed.get(t).contains(op)) samples.get(t).computeIfAbsent(op, x -> new ArrayList<>()).add(ns.stream().mapToDouble(Double::doubleValue).toArray());
                });
            }
        }
        for (Target t : targets) failed.get(t).forEach(samples.get(t)::remove);
        return samples;
    }

    /** Every op's batches in one boot of the VM (a boot costs seconds under emulation). */
    private static Map<String, double[]> vmSamples(SuiteContext ctx) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (ctx.vm().isEmpty()) return out;
        Profile p = ctx.profile();
        ctx.progress().step(NAME, "all ops in one boot of the vm (" + ctx.vm().get().variant() + ")");
        List<List<String>> commands = new ArrayList<>();
        for (String op : p.syscallOps()) {
            int iters = iters(p, op);
            commands.add(List.of("bench", op, Integer.toString(p.syscallBatches()), Integer.toString(iters)));
        }
        try {
            var boot = ctx.vm().get().boot(commands);
            for (int i = 0; i < commands.size(); i++) {
                var f = boot.frames().get(i);
                String op = p.syscallOps().get(i);
                if (f.exitCode() != 0) {
                    ctx.skip(NAME, op + " on vm", "the guest's probe exited " + f.exitCode() + ": " + f.output().trim());
                    continue;
                }
                out.put(op, f.output().lines().filter(l -> l.startsWith("ns_per_op ")).mapToDouble(l -> Double.parseDouble(l.substring(10))).toArray());
            }
        } catch (RuntimeException e) {
            ctx.skip(NAME, "vm", e.getMessage());
        }
        return out;
    }
}
