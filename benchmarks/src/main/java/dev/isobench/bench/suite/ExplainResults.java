package dev.isobench.bench.suite;

import dev.isobench.bench.explain.Profiler;
import dev.isobench.bench.host.HostFacts;
import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.bench.targets.Targets;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Engine;
import dev.isobench.report.Manifest;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code isobench explain DIR}: the headline workloads of a results directory (startup's start-to-exit, syscall's
 * getpid) profiled now, on this host, for each target its rows name and this host has, sized by the directory's own
 * timed medians; the profiles go into the directory's {@code explain/}, as {@code run --explain} writes them.
 */
public final class ExplainResults {
    private static final Map<String, String> HEADLINES = Map.of(StartupSuite.NAME, "start-to-exit", SyscallSuite.NAME, "getpid");

    private ExplainResults() {}

    public static void explain(Engine engine, Path dir, Progress progress) {
        Manifest manifest = Manifest.read(dir);
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>(); // suite -> target label -> ns
        for (String suite : List.of(StartupSuite.NAME, SyscallSuite.NAME)) {
            Path csv = dir.resolve(suite + ".csv");
            if (Files.isRegularFile(csv)) medians.put(suite, medians(ResultsCsv.read(csv).rows(), HEADLINES.get(suite)));
        }
        medians.values().removeIf(Map::isEmpty);
        if (medians.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no start-to-exit or getpid medians to explain: it needs a run with"
                    + " --suite startup or syscall (isobench run --suite startup,syscall)");
        }
        Set<String> wanted = new LinkedHashSet<>();
        medians.values().forEach(m -> m.keySet().forEach(label -> wanted.add(label.split("/")[0])));
        wanted.retainAll(known());
        try (Workspace ws = new Workspace(engine)) {
            var bin = engine.binaries();
            Profiler profiler = new Profiler(ws.scratch().resolve("perf"), List.of(bin.probe(), bin.init(), bin.floor()));
            Optional<String> why = profiler.prepare();
            if (why.isPresent()) throw new IllegalStateException("perf cannot profile here: " + why.get());
            try (Targets found = Targets.discover(engine, ws, wanted)) {
                found.skipped().forEach((name, reason) -> progress.message("target " + name + " skipped: " + reason));
                SuiteContext ctx = new SuiteContext(engine, ws, found.found(), found.clients(), Profile.named("quick"), dir, manifest, progress,
                        Optional.empty(), wanted, dev.isobench.engine.spec.Seccomp.DEFAULT, Optional.of(profiler));
                List<Target> targets = new ArrayList<>(ctx.processTargets());
                if (wanted.contains("engine")) targets.add(new EngineTarget(engine, "", b -> b.seccomp(ctx.engineSeccomp()), ws.scratch()));
                long begun = System.nanoTime();
                for (var suite : medians.entrySet()) {
                    List<Target> mine = targets.stream().filter(t -> suite.getValue().containsKey(t.label())).toList();
                    if (suite.getKey().equals(StartupSuite.NAME)) StartupSuite.explain(ctx, mine, t -> suite.getValue().get(t.label()));
                    else SyscallSuite.explain(ctx, mine, t -> suite.getValue().get(t.label()));
                }
                manifest.run().put("explain_seconds", Math.round((System.nanoTime() - begun) / 1e8) / 10.0);
            }
        }
        manifest.warn("explain: profiled after the run, by isobench explain on " + HostFacts.hostname() + " at " + Instant.now()
                + (HostFacts.hostname().equals(manifest.host().path("hostname").asText()) ? "" : ", not the host that measured the run"));
        manifest.write(dir);
    }

    /** Each target's median of the headline in nanoseconds, by its label; the rows' first, for a benchmark with several params. */
    private static Map<String, Double> medians(List<ResultRow> rows, String benchmark) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (!r.benchmark().equals(benchmark) || !r.metric().equals("median")) continue;
            double nanos = switch (r.unit()) {
                case "ms" -> r.value() * 1e6;
                case "us" -> r.value() * 1e3;
                case "ns" -> r.value();
                default -> Double.NaN;
            };
            String label = r.variant().isEmpty() ? r.target() : r.target() + "/" + r.variant();
            if (Double.isFinite(nanos)) m.putIfAbsent(label, nanos);
        }
        return m;
    }

    private static Set<String> known() {
        Set<String> k = new LinkedHashSet<>(List.of("host", "engine"));
        k.addAll(Targets.PEERS);
        k.remove("vm");
        return k;
    }
}
