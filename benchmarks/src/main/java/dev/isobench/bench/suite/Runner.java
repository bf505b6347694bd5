package dev.isobench.bench.suite;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.explain.Profiler;
import dev.isobench.bench.host.HostFacts;
import dev.isobench.bench.process.PeakRss;
import dev.isobench.bench.targets.Leftovers;
import dev.isobench.bench.targets.Targets;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Engine;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.report.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs suites into a results directory: manifest first, one CSV per suite written as it goes, manifest
 * completed last. Ctrl-C stops cleanly: finished CSVs stay, the one in progress stays partial, the manifest
 * says the run is incomplete, and every container this run made is removed.
 */
public final class Runner {
    public static final Map<String, Suite> SUITES = new LinkedHashMap<>();

    static {
        for (Suite s : List.of(new StartupSuite(), new SyscallSuite(), new RootfsSuite(), new CgroupSuite(), new NetworkSuite(), new AppSuite())) SUITES.put(s.name(), s);
    }

    private final Engine engine;
    private final Profile profile;
    private final List<String> suites;
    private final Set<String> targets;
    private final Path out;
    private final Optional<Path> cliJar;
    private final Seccomp engineSeccomp;
    private final List<Hold> holds;
    private final boolean explain;

    private static final long MIB = 1L << 20;
    private static final long FOOTPRINT_BUDGET = 512 * MIB;
    /** What the budget keeps for after the suites: stopping the peers' daemons, the report, the last manifest. */
    private static final double RESERVE_FRACTION = 0.05;

    public Runner(Engine engine, Profile profile, List<String> suites, Set<String> targets, Path out, Optional<Path> cliJar) {
        this(engine, profile, suites, targets, out, cliJar, Seccomp.DEFAULT, List.of(), false);
    }

    /**
     * @param engineSeccomp the filter of the syscall suite's default engine variant; anything but the default is recorded
     * @param holds pauses before suites until a file exists (--hold-before)
     * @param explain whether the suites profile their headlines' workloads after their timed turns (--explain)
     */
    public Runner(Engine engine, Profile profile, List<String> suites, Set<String> targets, Path out, Optional<Path> cliJar, Seccomp engineSeccomp,
                  List<Hold> holds, boolean explain) {
        this.explain = explain;
        for (String s : suites) {
            if (!SUITES.containsKey(s)) throw new IllegalArgumentException("--suite: unknown suite '" + s + "' (suites: " + String.join(", ", SUITES.keySet()) + ")");
        }
        this.engine = engine;
        this.profile = profile;
        this.suites = List.copyOf(suites);
        this.targets = Set.copyOf(targets);
        this.out = out;
        this.cliJar = cliJar;
        this.engineSeccomp = engineSeccomp;
        this.holds = List.copyOf(holds);
    }

    public Path run(Progress progress) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + out + ": " + e.getMessage(), e);
        }
        long begun = System.nanoTime();
        // The budget counts from the JVM's start: the whole 'isobench run' after the build, report included.
        Budget budget = Budget.until(jvmStartNanos() + (long) (profile.budgetSeconds() * 1e9));
        progress.budget(budget);
        Manifest manifest = Manifest.create();
        List<String> warnings = HostFacts.record(manifest.host(), engine);
        ObjectNode run = manifest.run();
        run.put("started", Instant.now().toString());
        run.put("isobench_version", Runner.class.getPackage().getImplementationVersion() == null ? "dev" : Runner.class.getPackage().getImplementationVersion());
        run.put("git_commit", gitCommit());
        run.set("profile", ProfileFiles.toJson(profile));
        run.put("suites", String.join(",", suites));
        run.put("engine_seccomp", engineSeccomp.name());
        if (!engineSeccomp.equals(Seccomp.DEFAULT)) {
            manifest.warn("the syscall suite's default engine variant and the app suite's engine places (seccomp=default in their rows) ran"
                    + " with seccomp " + engineSeccomp.name() + " instead of the default (--engine-seccomp): their rows carry that filter's cost");
        }
        warnings.forEach(w -> {
            manifest.warn(w);
            progress.message("warning: " + w);
        });
        manifest.write(out);
        Leftovers.collect(engine.root()).forEach(r -> progress.message("removed what a killed run left: " + r));
        engine.gc(false).containers().forEach(id -> progress.message("removed a container a killed run left: " + id));
        Thread hook = new Thread(() -> interrupted(manifest, progress));
        double explainSeconds = 0;
        Runtime.getRuntime().addShutdownHook(hook);
        try (Workspace ws = new Workspace(engine); Targets found = Targets.discover(engine, ws, targets)) {
            ObjectNode t = manifest.targets();
            found.versions().forEach((name, version) -> t.putObject(name).put("version", version));
            found.details().forEach((name, facts) -> facts.forEach(((ObjectNode) t.with(name))::put));
            found.skipped().forEach((name, why) -> {
                t.putObject(name).put("skipped", why);
                progress.message("target " + name + " skipped: " + why);
            });
            found.notes().forEach(manifest::warn);
            manifest.write(out);
            SuiteContext ctx = new SuiteContext(engine, ws, found.found(), found.clients(), profile, out, manifest, progress, cliJar, targets, engineSeccomp,
                    profiler(ws, manifest, progress));
            ObjectNode took = run.putObject("suite_seconds");
            ObjectNode planned = run.putObject("suite_budget_seconds");
            long reserve = (long) (profile.budgetSeconds() * RESERVE_FRACTION * 1e9);
            for (int i = 0; i < suites.size(); i++) {
                String name = suites.get(i);
                for (Hold h : holds) h.await(name, progress);
                // the untimed explain passes so far are not the timed work's: the deadline moves by what they took
                Budget timed = Budget.until(budget.deadlineNanos() + ctx.explainedNanos());
                progress.budget(timed);
                Budget suite = suiteBudget(timed, reserve, suites.subList(i, suites.size()));
                planned.put(name, Math.round(suite.secondsLeft() * 10) / 10.0);
                long suiteBegun = System.nanoTime(), explainedBefore = ctx.explainedNanos();
                ctx.open(name, suite);
                SUITES.get(name).run(ctx);
                ctx.close();
                took.put(name, secondsSince(suiteBegun + ctx.explainedNanos() - explainedBefore)); // its timed work
                recordPrecision(run, ctx.precisions());
                recordFootprint(run);
                manifest.write(out);
            }
            summarizePrecision(ctx.precisions(), manifest, progress);
            explainSeconds = ctx.explainedNanos() / 1e9;
            if (explain) {
                run.put("explain_seconds", Math.round(explainSeconds * 10) / 10.0);
                progress.message(String.format(java.util.Locale.ROOT, "explain: the untimed profiles took %.0f s beside the budget", explainSeconds));
            }
        }
        recordWallTime(run, secondsSince(begun) - explainSeconds, manifest, progress);
        long peak = recordFootprint(run);
        if (peak > FOOTPRINT_BUDGET) {
            String w = "the runner's JVM peaked at " + peak / MIB + " MiB resident, over its " + FOOTPRINT_BUDGET / MIB
                    + " MiB budget: lower -Xmx in scripts/isobench, or report which suite grew";
            manifest.warn(w);
            progress.message("warning: " + w);
        }
        run.put("finished", Instant.now().toString());
        manifest.root().put("complete", true);
        manifest.write(out);
        Runtime.getRuntime().removeShutdownHook(hook);
        progress.finish();
        return out;
    }

    /**
     * The profiler of an explaining run, where perf can profile here; where it cannot, one line says why and the run
     * goes on without the explanation.
     */
    private Optional<Profiler> profiler(Workspace ws, Manifest manifest, Progress progress) {
        if (!explain) return Optional.empty();
        var bin = engine.binaries();
        Profiler p = new Profiler(ws.scratch().resolve("perf"), List.of(bin.probe(), bin.init(), bin.floor()));
        Optional<String> why = p.prepare();
        if (why.isEmpty()) return Optional.of(p);
        String w = "--explain: no profiles in this run: " + why.get();
        manifest.warn(w);
        progress.message("warning: " + w);
        return Optional.empty();
    }

    /**
     * A suite's share of what is left of the run's budget (less the reserve for what follows the suites), by its
     * weight among the suites still to run: what an earlier suite left over goes to the later ones, and a suite
     * that overran its share takes it from no one but the run's own end.
     */
    private Budget suiteBudget(Budget run, long reserve, List<String> remaining) {
        double weights = remaining.stream().mapToDouble(profile::share).sum();
        double fraction = weights > 0 ? profile.share(remaining.get(0)) / weights : 1.0 / remaining.size();
        return Budget.until(run.deadlineNanos() - reserve).share(fraction);
    }

    private static long jvmStartNanos() {
        long age = ProcessHandle.current().info().startInstant()
                .map(t -> java.time.Duration.between(t, Instant.now()).toNanos()).orElse(0L);
        return System.nanoTime() - Math.max(0, age);
    }

    /** The headlines' precision so far, as the manifest keeps it: each row, its samples, the half-width reached, the target. */
    private static void recordPrecision(ObjectNode run, List<Precision> precisions) {
        var list = run.putArray("precision");
        for (Precision p : precisions) {
            ObjectNode o = list.addObject();
            o.put("row", p.row());
            o.put("samples", p.samples());
            if (Double.isFinite(p.halfWidth())) o.put("half_width", Math.round(p.halfWidth() * 1e5) / 1e5);
            o.put("target", p.target());
            o.put("met", p.met());
        }
    }

    /** One line for the run: how many headlines met the profile's precision, and which did not (also a warning). */
    private void summarizePrecision(List<Precision> all, Manifest manifest, Progress progress) {
        if (all.isEmpty()) return;
        List<Precision> missed = all.stream().filter(p -> !p.met()).toList();
        String target = String.format(java.util.Locale.ROOT, "+-%.1f%%", profile.precision() * 100);
        if (missed.isEmpty()) {
            progress.message("precision: all " + all.size() + " headlines within " + target);
            return;
        }
        String names = String.join("; ", missed.stream().map(p -> p.row() + (Double.isFinite(p.halfWidth())
                ? String.format(java.util.Locale.ROOT, " +-%.1f%%", p.halfWidth() * 100) : " (no interval)")).toList());
        String w = missed.size() + " of " + all.size() + " headlines missed " + profile.name() + "'s precision of " + target
                + " within the budget: " + names;
        manifest.warn(w);
        progress.message("precision: " + w);
    }

    private static double secondsSince(long nanos) {
        return Math.round((System.nanoTime() - nanos) / 1e8) / 10.0;
    }

    /** The whole run against the suite time its profile promises, with what each suite took. */
    private void recordWallTime(ObjectNode run, double wall, Manifest manifest, Progress progress) {
        run.put("wall_seconds", wall);
        run.put("budget_seconds", profile.budgetSeconds());
        StringBuilder parts = new StringBuilder();
        run.path("suite_seconds").fields().forEachRemaining(e -> parts.append(parts.isEmpty() ? "" : ", ").append(e.getKey())
                .append(' ').append(minutes(e.getValue().asDouble())));
        String summary = "took " + minutes(wall) + " (" + parts + ") of " + profile.name() + "'s " + minutes(profile.budgetSeconds());
        if (wall <= profile.budgetSeconds()) {
            progress.message(summary);
        } else {
            String w = "the run " + summary + ": this host is slower than the 2-core machine the profile is sized for, or busy"
                    + " (the manifest says what other processes took before it)";
            manifest.warn(w);
            progress.message("warning: " + w);
        }
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        return s % 60 == 0 ? s / 60 + " min" : String.format("%d min %02d s", s / 60, s % 60);
    }

    /**
     * The runner's own footprint so far (its peak resident set: heap, metaspace, code, stacks, native buffers),
     * checked against the budget a 2-core, small-memory host can spare beside the workloads it measures.
     */
    private static long recordFootprint(ObjectNode run) {
        long peak = PeakRss.bytes(ProcessHandle.current().pid());
        run.put("runner_peak_rss_mib", peak / MIB);
        run.put("runner_max_heap_mib", Runtime.getRuntime().maxMemory() / MIB);
        return peak;
    }

    /** On Ctrl-C: remove this run's containers and leave a manifest that says the run is incomplete. */
    private void interrupted(Manifest manifest, Progress progress) {
        progress.message("stopped before the end: removing this run's containers; finished results stay in " + out);
        long self = ProcessHandle.current().pid();
        for (Container c : engine.list()) {
            if (c.ownerPid() == self) {
                try {
                    c.delete();
                } catch (RuntimeException e) {
                    progress.message("could not remove " + c.id() + ": " + e.getMessage() + " (isobench ctr gc will)");
                }
            }
        }
        manifest.run().put("interrupted", Instant.now().toString());
        manifest.write(out);
    }

    private static String gitCommit() {
        String fromScript = System.getenv("ISOBENCH_GIT_COMMIT");
        if (fromScript != null && !fromScript.isEmpty()) return fromScript;
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
