package dev.isobench.bench.suite;

import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.IsobenchRuntime;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.Target;
import dev.isobench.bench.targets.VmTarget;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Container startup: create, start, exit and delete of {@code /probe true}, as a latency distribution per
 * target; the engine's phases from its lifecycle timestamps; the CLI as a whole JVM process; and a start
 * storm with N containers in flight.
 */
public final class StartupSuite implements Suite {
    static final String NAME = "startup";
    private static final List<String> TRUE = List.of("true");
    private static final long ORDER_SEED = 20261129L;
    /** Shares of the suite's budget: the engine's JIT warm-up, the main turns, the vm's boots (of what is left then). */
    private static final double WARMUP_SHARE = 0.1, TURNS_SHARE = 0.6, VM_SHARE = 0.4;
    /** Turns between two looks at the precision reached (a look sorts every target's samples). */
    private static final int CHECK_EVERY = 5;
    private static final double MIN_STORM_SECONDS = 0.2;

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
        // Targets take turns, run by run, so a drift in the machine's speed spreads over all of them. In a fixed
        // order one target would always run right after the same other one, inheriting its asynchronous
        // aftermath (a peer's teardown, a network namespace's cleanup). So the order is shuffled each run, from a
        // fixed seed so that a run can be repeated.
        // Targets with a heavy aftermath take turns of their own, after the others (Target#ownTurns): beside them
        // the engine's start measured slower and unshare's hardly at all, which is not what either costs.
        Random order = new Random(ORDER_SEED);
        List<Target> own = usable.stream().filter(Target::ownTurns).toList();
        List<List<Target>> groups = own.isEmpty() ? List.of(usable)
                : List.of(usable.stream().filter(t -> !t.ownTurns()).toList(), own);
        Budget turns = ctx.budget().share(TURNS_SHARE);
        Target hostTarget = usable.stream().filter(t -> t.name().equals("host")).findFirst().orElse(null);
        for (List<Target> group : groups) {
            // each group's share of the turns' time in proportion to its size: a turn costs about one run of each
            Budget groupBudget = group == own ? turns : turns.share((double) group.size() / usable.size());
            double groupTurn = turnSeconds * group.size() / Math.max(1, usable.size());
            List<Target> turn = new ArrayList<>(group);
            String who = group == own ? "the daemons and sandboxes" : "every other target";
            for (int i = 0; i < p.maxRuns(); i++) {
                if (i >= p.minRuns() && (i % CHECK_EVERY == 0) && (precise(ctx, group, hostTarget, samples) || !groupBudget.affords(groupTurn * CHECK_EVERY))) break;
                if (i % CHECK_EVERY == 0) ctx.progress().step(NAME, "start-to-exit in turns, run " + (i + 1) + " on " + who);
                long turnBegun = System.nanoTime();
                Collections.shuffle(turn, order);
                for (Target t : turn) {
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
        for (Target t : usable) {
            if (!(t instanceof EngineTarget)) continue;
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine", t.variant(), "");
            if (plain.containsKey("unshare")) Rows.ratio(ctx, k, "unshare", plain.get("unshare"), samples.get(t).values());
            if (t.variant().isEmpty() && plain.containsKey("crun")) Rows.ratio(ctx, k, "crun", plain.get("crun"), samples.get(t).values());
        }
        cli(ctx, host, plain.get("runc"));
        clients(ctx, plain);
        vm(ctx, host);
        List<Target> storms = stormTargets(ctx, engines);
        int windows = storms.size() * p.stormLevels().size();
        // what is left of the suite's share, spread over the storms; each at least MIN_STORM_SECONDS, at most the profile's
        double stormSeconds = Math.max(MIN_STORM_SECONDS, Math.min(p.stormSeconds(), ctx.budget().secondsLeft() / Math.max(1, windows) * 0.8));
        for (Target t : storms) storm(ctx, t, stormSeconds);
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
    private static void vm(SuiteContext ctx, double[] host) {
        if (ctx.vm().isEmpty()) return;
        var vm = ctx.vm().get();
        int n = ctx.profile().startup().vmBoots();
        Budget boots = ctx.budget().share(VM_SHARE);
        double[] wall = new double[n], guestInit = new double[n], hostInit = new double[n], rss = new double[n];
        for (int i = 0; i < n; i++) {
            if (i > 0 && !boots.affords(wall[i - 1] / 1e9)) { // the first boot whatever the budget; the others while it lasts
                n = i;
                wall = Arrays.copyOf(wall, n);
                guestInit = Arrays.copyOf(guestInit, n);
                hostInit = Arrays.copyOf(hostInit, n);
                rss = Arrays.copyOf(rss, n);
                break;
            }
            ctx.progress().step(NAME, "vm boot " + (i + 1) + " of " + n + " (" + vm.variant() + ")");
            VmTarget.Boot boot;
            try { // a kernel without a serial console or initramfs support, a hung guest: the rest of the run goes on
                boot = vm.boot(List.of(TRUE));
                if (boot.frames().get(0).exitCode() != 0) throw new IllegalStateException("the guest's /probe true exited " + boot.frames().get(0).exitCode());
            } catch (RuntimeException e) {
                ctx.skip(NAME, "start-to-exit on vm", e.getMessage());
                return;
            }
            wall[i] = boot.wallNanos();
            guestInit[i] = boot.guestInitNanos().orElse(0);
            hostInit[i] = boot.hostToInitNanos();
            rss[i] = boot.peakRssBytes() / 1048576.0;
        }
        Rows.Key k = new Rows.Key(NAME, "start-to-exit", vm.name(), vm.variant(), "");
        Rows.summary(ctx, k, "ms", Rows.millis(wall));
        Rows.hlog(ctx, k, wall);
        if (host != null) Rows.ratio(ctx, k, host, wall);
        Rows.summary(ctx, new Rows.Key(NAME, "phase", vm.name(), vm.variant(), "phase=guest_boot_to_init"), "ms", Rows.millis(guestInit));
        Rows.summary(ctx, new Rows.Key(NAME, "phase", vm.name(), vm.variant(), "phase=host_start_to_init"), "ms", Rows.millis(hostInit));
        Rows.summary(ctx, new Rows.Key(NAME, "memory", vm.name(), vm.variant(), "guest_mib=" + VmTarget.GUEST_MIB),
                "MiB", rss);
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

    /**
     * The CLI as a user runs it: a whole JVM per container, plain and with class-data sharing (an archive of
     * the classes one run loads, dumped by the warm-up run, as scripts/isobench does on first use).
     *
     * @param runc runc's start-to-exit samples from the main turns, or null: the CLI's stated bound
     */
    private static void cli(SuiteContext ctx, double[] host, double[] runc) {
        ctx.progress().step(NAME, "start-to-exit engine-cli");
        if (!ctx.wants("engine")) return;
        if (ctx.cliJar().isEmpty()) {
            ctx.skip(NAME, "engine-cli", "not running from the shaded jar, so there is no CLI to launch");
            return;
        }
        Path jsa = ctx.workspace().scratch().resolve("cli.jsa");
        Path classes = ctx.workspace().scratch().resolve("cli.classes");
        for (String variant : List.of("", "cds")) {
            List<String> jvm = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            if (transparentHugePages()) jvm.add("-XX:+UseTransparentHugePages"); // as scripts/isobench: see the comment there
            List<String> warm = new ArrayList<>(jvm);
            List<String> dump = new ArrayList<>(jvm);
            if (variant.equals("cds")) { // a static archive, as scripts/isobench makes: see the comment there
                warm.add("-XX:DumpLoadedClassList=" + classes);
                dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + jsa,
                        "-cp", ctx.cliJar().get().toString()));
                jvm.add("-XX:SharedArchiveFile=" + jsa);
            }
            List<String> args = List.of("-jar", ctx.cliJar().get().toString(),
                    "ctr", "--root", ctx.engine().root().toString(), "run", "--rm", "--net", "none", "--", "/probe", "true");
            warm.addAll(args);
            jvm.addAll(args);
            Processes.run(warm, ctx.workspace().scratch()).requireSuccess("isobench ctr run");
            if (variant.equals("cds")) Processes.run(dump, ctx.workspace().scratch()).requireSuccess("java -Xshare:dump");
            double[] samples = new double[ctx.profile().startup().cliRuns()];
            for (int i = 0; i < samples.length; i++) samples[i] = Processes.run(jvm, ctx.workspace().scratch()).requireSuccess("isobench ctr run").nanos();
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine-cli", variant, "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples));
            if (host != null) Rows.ratio(ctx, k, host, samples);
            if (runc != null) Rows.ratio(ctx, k, "runc", runc, samples);
        }
        resident(ctx, host, runc);
    }

    /**
     * The CLI through the resident engine: the thin C client, as scripts/isobench runs {@code ctr} calls, with the
     * engine started by the warm-up call (its start is not in the figure) and stopped after the samples.
     */
    private static void resident(SuiteContext ctx, double[] host, double[] runc) {
        Path dir = ctx.workspace().scratch().resolve("resident");
        IsobenchRuntime.write(dir);
        Path root = ctx.engine().root();
        List<String> call = List.of(IsobenchRuntime.ctrClient(dir).toString(), "--root", root.toString(), "run", "--rm", "--net", "none",
                "--", "/probe", "true"); // the client script puts 'ctr' first
        try {
            for (int i = 0; i < ctx.profile().startup().engineWarmups(); i++) Processes.run(call, ctx.workspace().scratch()).requireSuccess("isobench ctr run (resident)");
            double[] samples = new double[ctx.profile().startup().minRuns()];
            for (int i = 0; i < samples.length; i++) samples[i] = Processes.run(call, ctx.workspace().scratch()).requireSuccess("isobench ctr run (resident)").nanos();
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine-cli", "resident", "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples));
            Rows.hlog(ctx, k, samples);
            if (host != null) Rows.ratio(ctx, k, host, samples);
            if (runc != null) Rows.ratio(ctx, k, "runc", runc, samples);
        } catch (IllegalStateException e) { // the resident path broken here: said, and the run goes on
            ctx.skip(NAME, "start-to-exit on engine-cli/resident", e.getMessage());
        } finally {
            IsobenchRuntime.stopEngines(List.of(root));
        }
    }

    /**
     * The same client over each runtime, taken in shuffled turns among themselves: podman and docker over runc, crun
     * and isobench's OCI runtime ({@code isobench oci}, a JVM per verb), and that runtime's own {@code run} of a
     * bundle. Each row's ratio to the runtime alone (runc and crun from the main turns) says what the client adds
     * over the runtime; the rows over isobench say what a JVM per verb costs a client that calls create, start and
     * delete (and, for podman, state) one by one.
     */
    private static void clients(SuiteContext ctx, Map<String, double[]> plain) {
        ctx.progress().step(NAME, "start-to-exit of clients over runtimes");
        List<Target> usable = new ArrayList<>();
        for (Target t : ctx.clientTargets()) {
            boolean jvmPerVerb = t.variant().equals("isobench-jvm") || t.name().equals("isobench-runtime") && t.variant().isEmpty();
            if (jvmPerVerb && !ctx.profile().name().equals("full")) { // a JVM per verb: seconds a run, the full profile's
                ctx.skip(NAME, "client-runtime on " + t.label(), "a JVM per verb is measured in the full profile");
                continue;
            }
            var warm = t.run(TRUE);
            if (warm.exitCode() != 0) ctx.skip(NAME, "client-runtime on " + t.label(), "it exited " + warm.exitCode() + ": " + warm.stderr().trim());
            else usable.add(t);
        }
        if (usable.isEmpty()) return;
        int n = ctx.profile().startup().cliRuns();
        Map<Target, double[]> samples = new LinkedHashMap<>();
        usable.forEach(t -> samples.put(t, new double[n]));
        Random order = new Random(ORDER_SEED);
        List<Target> turn = new ArrayList<>(usable);
        for (int i = 0; i < n; i++) {
            Collections.shuffle(turn, order);
            for (Target t : turn) samples.get(t)[i] = t.run(TRUE).requireSuccess(t.label()).nanos();
        }
        Map<String, double[]> alone = new HashMap<>();
        if (plain.containsKey("runc")) alone.put("runc", plain.get("runc"));
        if (plain.containsKey("crun")) alone.put("crun", plain.get("crun"));
        // isobench alone: its verbs through the resident engine (what a client calls), or a JVM's whole run
        usable.stream().filter(t -> t.name().equals("isobench-runtime"))
                .forEach(t -> alone.put(t.variant().equals("resident") ? "isobench" : "isobench-jvm", samples.get(t)));
        double[] runcVerbs = usable.stream().filter(t -> t.name().equals("runc") && t.variant().equals("verbs")).map(samples::get).findFirst().orElse(null);
        for (Target t : usable) {
            Rows.Key k = new Rows.Key(NAME, "client-runtime", t.name(), t.variant(), "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples.get(t)));
            Rows.hlog(ctx, k, samples.get(t));
            boolean oci = t.name().equals("isobench-runtime") || t.name().equals("runc");
            if (!oci && alone.containsKey(t.variant())) Rows.ratio(ctx, k, t.variant(), alone.get(t.variant()), samples.get(t));
            // create, start and delete through the client against runc's three calls
            if (t.name().equals("isobench-runtime") && t.variant().equals("resident") && runcVerbs != null) {
                Rows.ratio(ctx, k, "runc-verbs", runcVerbs, samples.get(t));
            }
        }
    }

    /** Whether the kernel backs madvised memory with huge pages (THP "always" or "madvise"). */
    private static boolean transparentHugePages() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Target> stormTargets(SuiteContext ctx, List<EngineTarget> engines) {
        List<Target> t = new ArrayList<>();
        if (!engines.isEmpty()) t.add(engines.get(0));
        for (Target p : ctx.processTargets()) if (p.name().equals("crun") || p.name().equals("runc")) t.add(p);
        return t;
    }

    /** N workers each start containers back to back for a fixed time: throughput and latency at that load. */
    private static void storm(SuiteContext ctx, Target t, double seconds) {
        for (int inFlight : ctx.profile().startup().stormLevels()) {
            ctx.progress().step(NAME, "storm " + t.label() + " x" + inFlight);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            List<Future<List<Long>>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < inFlight; w++) {
                workers.add(pool.submit(() -> {
                    List<Long> lat = new ArrayList<>();
                    while (System.nanoTime() < deadline) lat.add(t.run(TRUE).requireSuccess(t.label()).nanos());
                    return lat;
                }));
            }
            List<Long> all = new ArrayList<>();
            try {
                for (Future<List<Long>> f : workers) all.addAll(f.get());
            } catch (Exception e) {
                throw new IllegalStateException("storm on " + t.label() + ": " + e.getMessage(), e);
            } finally {
                pool.shutdownNow();
            }
            double took = (System.nanoTime() - start) / 1e9;
            Rows.Key k = new Rows.Key(NAME, "storm", t.name(), t.variant(), "in_flight=" + inFlight);
            ctx.write(k.row("throughput", "containers/s", all.size() / took, all.size()));
            double[] lat = all.stream().mapToDouble(Long::doubleValue).toArray();
            if (lat.length > 0) Rows.summary(ctx, k, "ms", Rows.millis(lat));
        }
    }

}
