package dev.isobench.bench.cli;

import dev.isobench.report.Params;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsDir;
import dev.isobench.report.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code isobench spread}: how much the headline medians move between repeated runs. */
@Command(name = "spread", mixinStandardHelpOptions = true, description = {
        "Print the run-to-run spread ((max - min) / median) of the headline figures across results directories.",
        "E.g. three quick runs on one host (scripts/spread makes them)."})
public final class SpreadCommand implements Callable<Integer> {
    /** A headline figure and how to find it in a run. */
    record Headline(String name, Predicate<ResultRow> row) {}

    static final List<Headline> HEADLINES = List.of(
            new Headline("getpid host (native, median ns)", r -> is(r, "syscall", "getpid", "host", "", "median")),
            new Headline("getpid container (native, median ns)", r -> is(r, "syscall", "getpid", "engine", "", "median")),
            new Headline("getpid container / host (ratio, same run)", r -> is(r, "syscall", "getpid", "engine", "", "ratio_vs_host")),
            new Headline("startup engine / host (ratio, same run)", r -> is(r, "startup", "start-to-exit", "engine", "", "ratio_vs_host")),
            new Headline("startup engine / unshare (ratio, same run)", r -> is(r, "startup", "start-to-exit", "engine", "", "ratio_vs_unshare")),
            new Headline("startup engine no-cgroup / unshare (ratio, same run)",
                    r -> is(r, "startup", "start-to-exit", "engine", "no-cgroup", "ratio_vs_unshare")),
            new Headline("startup p50 engine (ms)", r -> is(r, "startup", "start-to-exit", "engine", "", "median")),
            new Headline("overlay provision, largest size (ms)", r -> is(r, "rootfs", "provision", "engine", "overlay", "median")),
            new Headline("quota achieved at 0.5 CPU, 1 thread (cpus)", r -> is(r, "cgroup", "cpu-quota", "engine", "", "achieved_cpus")
                    && r.param().equals("cpus=0.5,threads=1")));

    /**
     * What the machine itself did in each run, with no isobench engine code in it: when these move, the absolute
     * headlines above move with them (a VM's speed moves runc's start by a quarter between runs minutes apart).
     */
    static final List<Headline> REFERENCES = List.of(
            new Headline("host exec of /probe true, p50 (ms)", r -> is(r, "startup", "start-to-exit", "host", "", "median")),
            new Headline("runc run, p50 (ms)", r -> is(r, "startup", "start-to-exit", "runc", "", "median")));

    @Parameters(paramLabel = "RESULTS_DIR", arity = "2..*")
    List<Path> dirs;

    @Override
    public Integer call() {
        List<ResultsDir> runs = dirs.stream().map(ResultsDir::load).toList();
        System.out.printf(Locale.ROOT, "%-45s %s  %s%n", "headline", "values per run", "spread");
        for (Headline h : HEADLINES) print(h, runs, true);
        System.out.printf(Locale.ROOT, "%nreference: the machine itself, no isobench code in it%n");
        double drift = 0;
        for (Headline h : REFERENCES) drift = Math.max(drift, print(h, runs, false));
        if (drift > 5) {
            System.out.printf(Locale.ROOT, "The machine's own speed moved %.0f%% between these runs, so absolute figures cannot hold 5%%"
                    + " here; the same-run ratios above are the comparable ones.%n", drift);
        }
        return 0;
    }

    /** Prints one figure's values per run and its spread, (max - min) / median in percent; NaN when a run lacks it. */
    private static double print(Headline h, List<ResultsDir> runs, boolean flag) {
        List<Double> values = new ArrayList<>();
        for (ResultsDir r : runs) {
            // the largest size for provisioning; otherwise the one matching row
            Optional<ResultRow> row = r.allRows().stream().filter(h.row())
                    .max(Comparator.comparingDouble(x -> size(x.param())));
            row.ifPresent(x -> values.add(x.value()));
        }
        if (values.size() < runs.size()) {
            System.out.printf(Locale.ROOT, "%-45s missing in %d run(s)%n", h.name(), runs.size() - values.size());
            return Double.NaN;
        }
        double median = Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
        double spread = (values.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - values.stream().mapToDouble(Double::doubleValue).min().orElse(0)) / median * 100;
        StringBuilder v = new StringBuilder();
        values.forEach(x -> v.append(String.format(Locale.ROOT, "%.4g ", x)));
        System.out.printf(Locale.ROOT, "%-45s %s %5.1f%%%s%n", h.name(), v, spread, flag && spread > 5 ? "  (over 5%)" : "");
        return spread;
    }

    private static boolean is(ResultRow r, String suite, String bench, String target, String variant, String metric) {
        return r.suite().equals(suite) && r.benchmark().equals(bench) && r.target().equals(target) && r.variant().equals(variant)
                && r.metric().equals(metric);
    }

    private static double size(String param) {
        String s = Params.parse(param).get("size");
        return s == null ? 0 : Params.number(s);
    }
}
