package dev.isobench.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.host.HostFacts;
import dev.isobench.bench.target.Leftovers;
import dev.isobench.bench.target.PeakRss;
import dev.isobench.bench.target.Targets;
import dev.isobench.bench.target.Workspace;
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
        for (Suite s : List.of(new StartupSuite(), new SyscallSuite(), new RootfsSuite(), new CgroupSuite(), new NetworkSuite())) SUITES.put(s.name(), s);
    }

    private final Engine engine;
    private final Profile profile;
    private final List<String> suites;
    private final Set<String> targets;
    private final Path out;
    private final Optional<Path> cliJar;
    private final Seccomp engineSeccomp;

    private static final long MIB = 1L << 20;
    private static final long FOOTPRINT_BUDGET = 512 * MIB;

    public Runner(Engine engine, Profile profile, List<String> suites, Set<String> targets, Path out, Optional<Path> cliJar) {
        this(engine, profile, suites, targets, out, cliJar, Seccomp.DEFAULT);
    }

    /** @param engineSeccomp the filter of the syscall suite's default engine variant; anything but the default is recorded */
    public Runner(Engine engine, Profile profile, List<String> suites, Set<String> targets, Path out, Optional<Path> cliJar, Seccomp engineSeccomp) {
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
    }

    public Path run(Progress progress) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + out + ": " + e.getMessage(), e);
        }
        long begun = System.nanoTime();
        Manifest manifest = Manifest.create();
        List<String> warnings = HostFacts.record(manifest.host(), engine);
        ObjectNode run = manifest.run();
        run.put("started", Instant.now().toString());
        run.put("isobench_version", Runner.class.getPackage().getImplementationVersion() == null ? "dev" : Runner.class.getPackage().getImplementationVersion());
        run.put("git_commit", gitCommit());
        run.set("profile", new ObjectMapper().valueToTree(profile));
        run.put("suites", String.join(",", suites));
        run.put("engine_seccomp", engineSeccomp.name());
        if (!engineSeccomp.equals(Seccomp.DEFAULT)) {
            manifest.warn("the syscall suite's default engine variant ran with seccomp " + engineSeccomp.name() + " instead of the default"
                    + " (--engine-seccomp): its rows carry that filter's cost");
        }
        warnings.forEach(w -> {
            manifest.warn(w);
            progress.message("warning: " + w);
        });
        manifest.write(out);
        Leftovers.collect(engine.root()).forEach(r -> progress.message("removed what a killed run left: " + r));
        engine.gc(false).containers().forEach(id -> progress.message("removed a container a killed run left: " + id));
        Thread hook = new Thread(() -> interrupted(manifest, progress));
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
            SuiteContext ctx = new SuiteContext(engine, ws, found.found(), found.clients(), profile, out, manifest, progress, cliJar, targets, engineSeccomp);
            ObjectNode took = run.putObject("suite_seconds");
            for (String name : suites) {
                long suiteBegun = System.nanoTime();
                ctx.open(name);
                SUITES.get(name).run(ctx);
                ctx.close();
                took.put(name, secondsSince(suiteBegun));
                recordFootprint(run);
                manifest.write(out);
            }
        }
        recordWallTime(run, secondsSince(begun), manifest, progress);
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
            if (c.record().ownerPid() == self) {
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
