package dev.isobench.bench.suite;

import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.bench.targets.VmTarget;
import dev.isobench.bench.vm.GuestPoint;
import dev.isobench.engine.Engine;
import dev.isobench.engine.cgroup.NoopDriver;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.Phase;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.report.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Container startup: create, start, exit and delete of {@code /probe true}, as a latency distribution per
 * target; the engine's phases from its lifecycle timestamps; the CLI as a whole JVM process; and a start
 * storm with N containers in flight.
 */
public final class StartupSuite implements Suite {
    static final String NAME = "startup";
    static final List<String> TRUE = List.of("true");
    /** Shares of the suite's budget: the engine's JIT warm-up, the main turns, the vm's boots (of what is left then). */
    private static final double WARMUP_SHARE = 0.1, TURNS_SHARE = 0.6, VM_SHARE = 0.4;
    /** Turns between two looks at the precision reached (a look sorts every target's samples). */
    private static final int CHECK_EVERY = 5;
    /** The share of what is left of the suite for the storms (the rest: their pools' start and stop), and the shortest. */
    private static final double STORMS_SHARE = 0.8, MIN_STORM_SECONDS = 0.2;
    private static final int MIN_VM_BOOTS = 2;
    /** The explain pass's containers per target: at least enough for a table, at most what a fast target does in its time. */
    private static final long EXPLAIN_MIN_OPS = 10, EXPLAIN_MAX_OPS = 200;
    private static final double EXPLAIN_SECONDS = 2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        // The bridge stays up while any container uses it: one idle container keeps it for the whole suite,
        // so the bridge variant measures a container's own network setup (veth, address, route), as on a
        // host where the bridge already exists, not the bridge's creation.
        Container holder = null;
        if (ctx.wants("engine")) {
            Path log = ctx.workspace().scratch().resolve("bridge-holder.log");
            try {
                Files.createDirectories(log.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            holder = ctx.engine().run(ContainerSpec.builder().image("probe").network(NetworkMode.BRIDGE)
                    .command("/probe", "sleep", "3600").stdio(Stdio.toFiles(log, log)).build());
        }
        try {
            measure(ctx);
        } finally {
            if (holder != null) holder.delete();
        }
    }

    private void measure(SuiteContext ctx) {
        Profile.Startup p = ctx.profile().startup();
        List<Target> targets = new ArrayList<>(ctx.processTargets());
        List<EngineTarget> engines = engineVariants(ctx);
        targets.addAll(engines);
        ctx.progress().step(NAME, "warm-up of " + targets.size() + " targets");
        List<Target> usable = new ArrayList<>();
        long warmBegun = System.nanoTime();
        for (Target t : targets) {
            // First-run costs (image build, page cache) are not startup; nor is the JIT: the engine variants
            // run in turns, so each warms the code they share.
            var warm = t.run(TRUE);
            if (warm.exitCode() != 0) ctx.skip(NAME, "start-to-exit on " + t.label(), "it exited " + warm.exitCode() + ": " + warm.stderr().trim());
            else usable.add(t);
        }
        double turnSeconds = (System.nanoTime() - warmBegun) / 1e9; // the calibration: what one turn of every target costs here
        List<Target> warming = usable.stream().filter(t -> t instanceof EngineTarget).toList();
        Budget warmups = ctx.budget().share(WARMUP_SHARE);
        for (int i = 1; i < p.engineWarmups() && !warmups.spent(); i++) warming.forEach(t -> t.run(TRUE).requireSuccess(t.label()));
        Map<Target, Series> samples = new LinkedHashMap<>();
        Map<Target, Map<Phase, Series>> phases = new LinkedHashMap<>();
        usable.forEach(t -> {
            samples.put(t, new Series());
            phases.put(t, new EnumMap<>(Phase.class));
        });
        // Targets take turns, run by run, in a shuffled order (TurnOrder).
        // Targets with a heavy aftermath take turns of their own, after the others (Target#ownTurns): beside them
        // the engine's start measured slower and unshare's hardly at all, which is not what either costs.
        List<Target> own = usable.stream().filter(Target::ownTurns).toList();
        List<List<Target>> groups = own.isEmpty() ? List.of(usable)
                : List.of(usable.stream().filter(t -> !t.ownTurns()).toList(), own);
        Budget turns = ctx.budget().share(TURNS_SHARE);
        Target hostTarget = usable.stream().filter(t -> t.name().equals("host")).findFirst().orElse(null);
        for (List<Target> group : groups) {
            // each group's share of the turns' time in proportion to its size: a turn costs about one run of each
            Budget groupBudget = group == own ? turns : turns.share((double) group.size() / usable.size());
            double groupTurn = turnSeconds * group.size() / Math.max(1, usable.size());
            TurnOrder<Target> order = new TurnOrder<>(group);
            String who = group == own ? "the daemons and sandboxes" : "every other target";
            for (int i = 0; i < p.maxRuns(); i++) {
                if (i >= p.minRuns() && (i % CHECK_EVERY == 0) && (precise(ctx, group, hostTarget, samples) || !groupBudget.affords(groupTurn * CHECK_EVERY))) break;
                if (i % CHECK_EVERY == 0) ctx.progress().step(NAME, "start-to-exit in turns, run " + (i + 1) + " on " + who);
                long turnBegun = System.nanoTime();
                for (Target t : order.next()) {
                    samples.get(t).add(t.run(TRUE).requireSuccess(t.label()).nanos());
                    if (t instanceof EngineTarget e) record(e.lastPhases(), phases.get(t));
                }
                groupTurn = (System.nanoTime() - turnBegun) / 1e9;
            }
        }
        if (!own.isEmpty()) {
            ctx.manifest().warn(NAME + ": " + own.stream().map(Target::label).toList() + " took turns of their own, after the others':"
                    + " beside them (a daemon's bookkeeping, a sandbox's teardown) the engine's start measured slower; their ratios to"
                    + " the host pair them with the host's runs of the first turns");
        }
        double[] host = null;
        Map<String, double[]> plain = new HashMap<>(); // each target without a variant, by name
        for (Target t : usable) {
            double[] v = samples.get(t).values();
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", t.name(), t.variant(), "");
            var median = Rows.summary(ctx, k, "ms", Rows.millis(v));
            Rows.hlog(ctx, k, v);
            if (t.name().equals("host")) {
                host = v;
                ctx.headline(median);
            } else if (host != null) {
                ctx.headline(Rows.ratio(ctx, k, host, v));
            } else {
                ctx.headline(median);
            }
            if (t.variant().isEmpty()) plain.put(t.name(), v);
            phases.get(t).forEach((phase, series) -> Rows.summary(ctx,
                    new Rows.Key(NAME, "phase", t.name(), t.variant(), "phase=" + phase.name().toLowerCase()), "ms", Rows.millis(series.values())));
        }
        // The engine against the floor and crun, measured in the same turns: what the targets are stated in. Each
        // variant against the floor too, so that what a variant adds (a cgroup, a network) reads as a ratio.
        // Every target against the floor (the least a container start must do), paired by turn as its ratio to the host.
        double[] floor = plain.get("floor");
        for (Target t : usable) {
            if (floor == null || t.name().equals("floor") || t.name().equals("host")) continue;
            Rows.ratio(ctx, new Rows.Key(NAME, "start-to-exit", t.name(), t.variant(), ""), "floor", floor, samples.get(t).values());
        }
        for (Target t : usable) {
            if (!(t instanceof EngineTarget)) continue;
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine", t.variant(), "");
            if (plain.containsKey("unshare")) Rows.ratio(ctx, k, "unshare", plain.get("unshare"), samples.get(t).values());
            if (t.variant().isEmpty() && plain.containsKey("crun")) Rows.ratio(ctx, k, "crun", plain.get("crun"), samples.get(t).values());
        }
        CliStartup.run(ctx, host, plain.get("runc"));
        ClientStartup.run(ctx, plain);
        vm(ctx, host, floor);
        containerInVm(ctx, host, floor);
        List<Target> storms = StartStorm.targets(ctx, engines);
        int windows = storms.size() * p.stormLevels().size();
        // what is left of the suite's share, spread over the storms; each at least MIN_STORM_SECONDS, at most the profile's
        double stormSeconds = Math.max(MIN_STORM_SECONDS, Math.min(p.stormSeconds(), STORMS_SHARE * ctx.budget().secondsLeft() / Math.max(1, windows)));
        for (Target t : storms) StartStorm.run(ctx, t, stormSeconds);
        explain(ctx, usable.stream().filter(t -> !(t instanceof EngineTarget) || t.variant().isEmpty()).toList(),
                t -> Stats.summarize(samples.get(t).values()).median());
    }

    /**
     * --explain: each target's start-to-exit of /probe true once more under perf, untimed, after every timed part of
     * the suite (the engine's default only among its variants: the variants' differences are in the phase rows).
     *
     * @param medianNanos each target's timed median, which sizes its pass
     */
    static void explain(SuiteContext ctx, List<Target> targets, java.util.function.ToDoubleFunction<Target> medianNanos) {
        List<Explain.Work> works = new ArrayList<>();
        for (Target t : targets) {
            double median = medianNanos.applyAsDouble(t);
            long ops = Explain.opsFor(EXPLAIN_SECONDS, median, EXPLAIN_MIN_OPS, EXPLAIN_MAX_OPS);
            works.add(new Explain.Work(t, median, ops, Math.max(EXPLAIN_MIN_OPS / 2, ops / 4),
                    n -> () -> { for (long i = 0; i < n; i++) t.run(TRUE).requireSuccess(t.label()); }));
        }
        Explain.run(ctx, NAME, "start-to-exit of /probe true", "container", works);
    }

    /**
     * Whether every target's start-to-exit in the group is known within the profile's precision: the host's median,
     * and the others' ratios to it (from the medians' order-statistic intervals; the rows' own come from the
     * bootstrap, once sampling is over).
     */
    private static boolean precise(SuiteContext ctx, List<Target> group, Target host, Map<Target, Series> samples) {
        double target = ctx.profile().precision();
        double hostWidth = host == null ? 0 : width(samples.get(host).values());
        for (Target t : group) {
            double w = width(samples.get(t).values());
            double headline = t == host || host == null ? w : Precision.ratioHalfWidth(w, hostWidth);
            if (headline > target) return false;
        }
        return true;
    }

    private static double width(double[] v) {
        if (v.length < 2) return Double.POSITIVE_INFINITY;
        Stats.Summary s = Stats.summarize(v);
        return Precision.halfWidth(s.median(), s.ciLow(), s.ciHigh());
    }

    /**
     * The VM: a few boots (seconds each under emulation), each from QEMU's start to its exit after /probe
     * true, with the guest's own boot clock at /init, the host's view of the same moment, and QEMU's peak RSS.
     */
    private static void vm(SuiteContext ctx, double[] host, double[] floor) {
        if (ctx.vm().isEmpty()) return;
        var vm = ctx.vm().get();
        int n = ctx.profile().startup().vmBoots();
        Budget boots = ctx.budget().share(VM_SHARE);
        Series wall = new Series(), guestInit = new Series(), hostInit = new Series(), rss = new Series();
        for (int i = 0; i < n; i++) {
            // two boots whatever the budget (an interval), more while it lasts
            if (i >= MIN_VM_BOOTS && !boots.affords(wall.last() / 1e9)) break;
            ctx.progress().step(NAME, "vm boot " + (i + 1) + " of at most " + n + " (" + vm.variant() + ")");
            VmTarget.Boot boot;
            try { // a kernel without a serial console or initramfs support, a hung guest: the rest of the run goes on
                boot = vm.boot(List.of(TRUE));
                if (boot.frames().get(0).exitCode() != 0) throw new IllegalStateException("the guest's /probe true exited " + boot.frames().get(0).exitCode());
            } catch (RuntimeException e) {
                ctx.skip(NAME, "start-to-exit on vm", e.getMessage());
                return;
            }
            wall.add(boot.wallNanos());
            guestInit.add(boot.guestInitNanos().orElse(0));
            hostInit.add(boot.hostToInitNanos());
            rss.add(boot.peakRssBytes() / 1048576.0);
        }
        Rows.Key k = new Rows.Key(NAME, "start-to-exit", vm.name(), vm.variant(), "");
        Rows.summary(ctx, k, "ms", Rows.millis(wall.values()));
        Rows.hlog(ctx, k, wall.values());
        if (host != null) ctx.headline(Rows.ratio(ctx, k, host, wall.values()));
        if (floor != null) Rows.ratio(ctx, k, "floor", floor, wall.values());
        Rows.summary(ctx, new Rows.Key(NAME, "phase", vm.name(), vm.variant(), "phase=guest_boot_to_init"), "ms", Rows.millis(guestInit.values()));
        Rows.summary(ctx, new Rows.Key(NAME, "phase", vm.name(), vm.variant(), "phase=host_start_to_init"), "ms", Rows.millis(hostInit.values()));
        Rows.summary(ctx, new Rows.Key(NAME, "memory", vm.name(), vm.variant(), "guest_mib=" + VmTarget.GUEST_MIB),
                "MiB", rss.values());
    }

    /**
     * The spectrum's container in a VM: one boot of the vm target's kernel as a guest that runs this isobench, whose
     * engine starts {@code /probe true} as many times as a target's minimum runs (after a warm-up), measured inside,
     * and times getpid for the syscall suite in the same boot. One boot whatever the budget, as the vm's first two.
     */
    private static void containerInVm(SuiteContext ctx, double[] host, double[] floor) {
        if (ctx.vm().isEmpty() || ctx.vm().get().guest().isEmpty() || !ctx.wants("engine")) return;
        var vm = ctx.vm().get();
        // a point of the spectrum, as the vm's two boots are: one boot whatever the budget (it also serves the syscall
        // suite, and the suites after this one share what is left)
        ctx.progress().step(NAME, "container in a VM: the engine's start-to-exit in one boot of a guest (" + vm.variant() + ")");
        try {
            List<String> args = new ArrayList<>(List.of("--warmups", "3", "--containers", Integer.toString(Math.max(2, ctx.profile().startup().minRuns()))));
            args.addAll(SyscallSuite.guestGetpidArgs(ctx.profile())); // the same boot serves the syscall suite's point
            GuestPoint.Result r = vm.containerInVm(ctx.engine().binaries().probe(), ctx.workspace().dir().resolve("guest"), args);
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", GuestPoint.TARGET, vm.variant(), "");
            Rows.summary(ctx, k, "ms", Rows.millis(r.startToExitNanos()));
            Rows.hlog(ctx, k, r.startToExitNanos());
            if (host != null) Rows.ratio(ctx, k, host, r.startToExitNanos());
            if (floor != null) Rows.ratio(ctx, k, "floor", floor, r.startToExitNanos());
        } catch (RuntimeException e) {
            ctx.skip(NAME, "start-to-exit on " + GuestPoint.TARGET, e.getMessage());
        }
    }

    /** Time spent in each phase, keyed by the phase that ends it. */
    private static void record(Map<Phase, Long> ts, Map<Phase, Series> phases) {
        Phase previous = null;
        for (Phase ph : Phase.values()) {
            if (!ts.containsKey(ph)) continue;
            if (previous != null) phases.computeIfAbsent(ph, x -> new Series()).add(ts.get(ph) - ts.get(previous));
            previous = ph;
        }
    }

    private static List<EngineTarget> engineVariants(SuiteContext ctx) {
        List<EngineTarget> v = new ArrayList<>();
        if (!ctx.wants("engine")) return v;
        var scratch = ctx.workspace().scratch();
        Engine e = ctx.engine();
        v.add(new EngineTarget(e, "", b -> b, scratch));
        v.add(new EngineTarget(e, "copy", b -> b.rootfs(RootfsMode.COPY), scratch));
        // Kept after exit (no --rm): the overlay's last unmount syncs the host's disk.
        v.add(new EngineTarget(e, "durable", b -> b.ephemeral(false), scratch));
        v.add(new EngineTarget(e, "net-host", b -> b.network(NetworkMode.HOST), scratch));
        v.add(new EngineTarget(e, "userns", b -> b.userns(IdMap.DEFAULT), scratch));
        v.add(new EngineTarget(e, "bridge", b -> b.network(NetworkMode.BRIDGE), scratch));
        v.add(new EngineTarget(e, "limits", b -> b.limits(Limits.builder().cpus(1).memory(256L << 20).pids(100).build()), scratch));
        v.add(new EngineTarget(Engine.open(e.root(), new NoopDriver()), "no-cgroup", b -> b, scratch));
        return v;
    }
}
