package dev.isobench.bench.suite;

import dev.isobench.bench.explain.Profiler;
import dev.isobench.bench.targets.Target;
import dev.isobench.bench.targets.VmTarget;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Engine;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.report.Manifest;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsCsv;
import dev.isobench.report.Samples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a suite works with: the engine, the targets found, the profile, and where its rows go. */
public final class SuiteContext {
    private final Engine engine;
    private final Workspace workspace;
    private final List<Target> peers;
    private final Profile profile;
    private final Path out;
    private final Manifest manifest;
    private final Progress progress;
    private final Optional<Path> cliJar;
    private final Set<String> wantedTargets;
    private ResultsCsv.Writer writer;
    private Samples.Writer samples;
    private final Optional<VmTarget> vm;
    private final List<Target> clients;
    private final Seccomp engineSeccomp;
    private final List<Precision> precisions = new ArrayList<>();
    private Budget budget = Budget.unlimited();
    private final Optional<Profiler> profiler;
    private long explainedNanos;

    public SuiteContext(Engine engine, Workspace workspace, List<Target> peers, Profile profile, Path out, Manifest manifest,
                        Progress progress, Optional<Path> cliJar, Set<String> wantedTargets) {
        this(engine, workspace, peers, List.of(), profile, out, manifest, progress, cliJar, wantedTargets, Seccomp.DEFAULT, Optional.empty());
    }

    /**
     * @param clients podman and docker over each runtime, and isobench's runtime alone (Targets#clients)
     * @param engineSeccomp the filter of the syscall suite's default engine variant (RunCommand's --engine-seccomp)
     * @param profiler where the suites profile their headlines' workloads after their timed turns (--explain); empty: they do not
     */
    public SuiteContext(Engine engine, Workspace workspace, List<Target> peers, List<Target> clients, Profile profile, Path out, Manifest manifest,
                        Progress progress, Optional<Path> cliJar, Set<String> wantedTargets, Seccomp engineSeccomp, Optional<Profiler> profiler) {
        this.profiler = profiler;
        this.clients = List.copyOf(clients);
        this.engineSeccomp = engineSeccomp;
        this.engine = engine;
        this.workspace = workspace;
        this.peers = peers.stream().filter(t -> !(t instanceof VmTarget)).toList();
        this.vm = peers.stream().filter(t -> t instanceof VmTarget).map(t -> (VmTarget) t).findFirst();
        this.profile = profile;
        this.out = out;
        this.manifest = manifest;
        this.progress = progress;
        this.cliJar = cliJar;
        this.wantedTargets = wantedTargets;
    }

    public Engine engine() { return engine; }
    public Workspace workspace() { return workspace; }
    public Profile profile() { return profile; }
    public Path out() { return out; }
    public Manifest manifest() { return manifest; }
    public Progress progress() { return progress; }
    public Optional<Path> cliJar() { return cliJar; }
    public Seccomp engineSeccomp() { return engineSeccomp; }

    /** Whether the user asked for this target (all by default). */
    public boolean wants(String target) {
        return wantedTargets.contains(target);
    }

    /** The VM target, when QEMU and a guest kernel were found: suites boot it a few times, not per sample. */
    public Optional<VmTarget> vm() {
        return vm;
    }

    /** The whole-process targets: host first, then the peers found (not the VM). */
    public List<Target> processTargets() {
        return peers;
    }

    /** Clients over runtimes (podman/runc, docker/isobench, ...) and the isobench runtime alone: the startup suite's alone. */
    public List<Target> clientTargets() {
        return clients;
    }

    public Optional<Target> host() {
        return peers.stream().filter(t -> t.name().equals("host")).findFirst();
    }

    /** The profiler of an explaining run (--explain), or empty. */
    public Optional<Profiler> profiler() {
        return profiler;
    }

    /** Time spent on untimed explain passes: the runner adds it to the budget, which is the timed work's. */
    void explained(long nanos) {
        explainedNanos += nanos;
    }

    long explainedNanos() {
        return explainedNanos;
    }

    /** What the suite in progress may still spend: its share of the run's budget. */
    public Budget budget() {
        return budget;
    }

    /**
     * Marks a row as a headline: its precision goes into the manifest (the runner's summary names those that missed
     * the profile's target) and beside it into the CSV as a {@code precision} row (the half-width of its 95%
     * interval as a fraction of its value).
     */
    void headline(ResultRow row) {
        Precision p = Precision.of(row, profile.precision());
        precisions.add(p);
        if (Double.isFinite(p.halfWidth())) {
            writer.write(ResultRow.of(row.suite(), row.benchmark(), row.target(), row.variant(), row.param(), "precision_" + row.metric(),
                    "fraction", p.halfWidth(), row.samples()));
        }
    }

    /** Every headline's precision so far in this run. */
    List<Precision> precisions() {
        return List.copyOf(precisions);
    }

    void open(String suite, Budget suiteBudget) {
        budget = suiteBudget;
        writer = new ResultsCsv.Writer(out, suite);
        samples = new Samples.Writer(out, suite);
    }

    void close() {
        if (writer != null) writer.close();
        if (samples != null) samples.close();
        writer = null;
        samples = null;
        budget = Budget.unlimited();
    }

    /** A latency row's raw samples, for samples/<suite>.csv.gz (compare tests on them). */
    void samples(String benchmark, String target, String variant, String param, String unit, String suite, double[] values) {
        if (samples != null) samples.write(suite, benchmark, target, variant, param, unit, values);
    }

    /** A latency row's raw samples taken in runs, each sample with its run. */
    void samplesRuns(String benchmark, String target, String variant, String param, String unit, String suite, List<double[]> runs) {
        if (samples != null) samples.writeRuns(suite, benchmark, target, variant, param, unit, runs);
    }

    public void write(ResultRow row) {
        writer.write(row);
    }

    /** Records that something was not measured, and why, in the manifest. */
    public void skip(String suite, String what, String why) {
        manifest.warn(suite + ": " + what + " skipped: " + why);
        progress.message(suite + ": " + what + " skipped: " + why);
    }
}
