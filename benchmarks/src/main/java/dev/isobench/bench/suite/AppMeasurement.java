package dev.isobench.bench.suite;

import dev.isobench.bench.app.Load;
import dev.isobench.bench.app.Measure;
import dev.isobench.bench.app.SeedDir;
import dev.isobench.bench.app.Workload;
import dev.isobench.report.ResultRow;
import dev.isobench.report.Stats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One workload at one concurrency on every place that runs it: a warm-up on the host (untimed; it sizes the runs),
 * then turns in a shuffled order until every place's throughput is known within the profile's precision, or the
 * budget is spent, or the profile's most runs are taken. A place whose run fails leaves the turns, with the reason.
 * Runs are the units: a row's interval is over runs, and so is its ratio to the host's.
 */
final class AppMeasurement {
    /** The shortest run worth timing: below it, start-up and the load generator's ramp dominate. */
    private static final double MIN_SECONDS = 0.5;
    private final SuiteContext ctx;
    private final Workload w;
    private final int clients;
    private final List<AppPlaces.Entry> places;
    private final SeedDir seed;
    private final Budget budget;
    private final Profile.App p;
    /** Per place, per benchmark: each run's figures. */
    private final Map<AppPlaces.Entry, Map<String, List<Measure>>> runs = new LinkedHashMap<>();
    /** Per place, the slowest rate its last run reached: sizes a load generator that counts requests. */
    private final Map<AppPlaces.Entry, Double> rate = new HashMap<>();

    AppMeasurement(SuiteContext ctx, Workload w, int clients, List<AppPlaces.Entry> places, SeedDir seed, Budget budget) {
        this.ctx = ctx;
        this.w = w;
        this.clients = clients;
        this.places = places;
        this.seed = seed;
        this.budget = budget;
        this.p = ctx.profile().app();
    }

    void run() {
        String what = w.name() + (w.server() ? ", " + clients + " clients" : "");
        AppPlaces.Entry host = places.get(0);
        Load warm = new Load(clients, Math.min(1.0, p.runSeconds()), Double.NaN);
        ctx.progress().step(AppSuite.NAME, what + ": warm-up on the host");
        double overhead;
        try {
            long t0 = System.nanoTime();
            Map<String, Measure> m = AppSuite.once(w, host.place(), seed, warm, ctx.workspace().scratch());
            overhead = Math.max(0, (System.nanoTime() - t0) / 1e9 - warm.seconds());
            rate.put(host, slowest(m));
        } catch (RuntimeException e) {
            ctx.skip(AppSuite.NAME, w.name(), "it did not run on the host: " + e.getMessage());
            return;
        }
        // each run as long as the profile says, or shorter, so that the minimum runs of every place fit the budget
        double seconds = Math.max(MIN_SECONDS, Math.min(p.runSeconds(), budget.secondsLeft() / (places.size() * p.minRuns()) - overhead));
        List<AppPlaces.Entry> active = new ArrayList<>(places);
        TurnOrder<AppPlaces.Entry> order = new TurnOrder<>(places);
        double turnSeconds = 0;
        for (int turn = 0; turn < p.maxRuns(); turn++) {
            if (turn >= p.minRuns() && (precise() || !budget.affords(turnSeconds))) break;
            ctx.progress().step(AppSuite.NAME, what + ": turn " + (turn + 1) + " (" + active.size() + " places)");
            long t0 = System.nanoTime();
            for (AppPlaces.Entry e : order.next()) {
                if (!active.contains(e)) continue;
                try {
                    // before its first run, a place is assumed to reach a quarter of the host's rate
                    Load load = new Load(clients, seconds, rate.getOrDefault(e, rate.get(host) / 4));
                    Map<String, Measure> m = AppSuite.once(w, e.place(), seed, load, ctx.workspace().scratch());
                    rate.put(e, slowest(m));
                    m.forEach((bench, measure) -> runs.computeIfAbsent(e, x -> new TreeMap<>()).computeIfAbsent(bench, x -> new ArrayList<>()).add(measure));
                } catch (RuntimeException ex) {
                    active.remove(e);
                    runs.remove(e);
                    ctx.skip(AppSuite.NAME, w.name() + " on " + e.label(), ex.getMessage());
                }
            }
            turnSeconds = (System.nanoTime() - t0) / 1e9;
            // what a run costs beyond its measured time in the places themselves (a daemon's start, a sandbox's), measured
            // now: the minimum turns left are made shorter, or longer, to fit the part of the budget that is left
            int left = p.minRuns() - turn - 1;
            if (left > 0 && !active.isEmpty()) {
                overhead = Math.max(0, turnSeconds / active.size() - seconds);
                seconds = Math.max(MIN_SECONDS, Math.min(p.runSeconds(), budget.secondsLeft() / (active.size() * left) - overhead));
            }
        }
        rows(host);
    }

    private static double slowest(Map<String, Measure> m) {
        return m.values().stream().mapToDouble(Measure::throughput).min().orElse(Double.NaN);
    }

    /** Whether every place's throughput is known within the profile's precision. */
    private boolean precise() {
        for (Map<String, List<Measure>> byBench : runs.values()) {
            for (List<Measure> m : byBench.values()) {
                double[] v = throughput(m);
                double[] ci = Stats.intervalOverRuns(v);
                if (!(Precision.halfWidth(Stats.median(v), ci[0], ci[1]) <= ctx.profile().precision())) return false;
            }
        }
        return true;
    }

    private void rows(AppPlaces.Entry host) {
        Map<String, List<Measure>> base = runs.get(host);
        runs.forEach((e, byBench) -> byBench.forEach((bench, measures) -> {
            Rows.Key k = new Rows.Key(AppSuite.NAME, bench, e.place().target(), e.place().variant(), param(e));
            double[] tp = throughput(measures);
            ResultRow median = interval(k, "median", w.unit(), tp);
            ctx.headline(median);
            ctx.write(k.row("mean", w.unit(), Arrays.stream(tp).average().orElse(Double.NaN), tp.length));
            ctx.samples(bench, k.target(), k.variant(), k.param(), w.unit(), AppSuite.NAME, tp);
            latency(k, "p50_latency", measures.stream().mapToDouble(Measure::p50Micros).toArray());
            latency(k, "p99_latency", measures.stream().mapToDouble(Measure::p99Micros).toArray());
            if (e != host && base != null && base.containsKey(bench)) {
                double[] r = Stats.ratioOfMediansOverRuns(singletons(throughput(base.get(bench))), singletons(tp));
                ctx.write(k.row("ratio_vs_host", "ratio", r[0], tp.length).withCi(r[1], r[2]));
            }
        }));
    }

    private void latency(Rows.Key k, String metric, double[] micros) {
        if (Arrays.stream(micros).allMatch(Double::isFinite)) interval(k, metric, "us", micros);
    }

    private ResultRow interval(Rows.Key k, String metric, String unit, double[] v) {
        double[] ci = Stats.intervalOverRuns(v);
        ResultRow row = k.row(metric, unit, Stats.median(v), v.length).withCi(ci[0], ci[1]);
        ctx.write(row);
        return row;
    }

    /**
     * The row's settings: the load generator's connections (a server), and the place's knobs that this workload
     * feels (net for a server, storage for one that writes) and the engine's own (seccomp, cgroup).
     */
    private String param(AppPlaces.Entry e) {
        List<String> kv = new ArrayList<>();
        if (w.server()) kv.add("clients=" + clients);
        e.place().settings().forEach((key, value) -> {
            boolean felt = switch (key) {
                case "net" -> w.knobs().contains(Workload.Knob.NET);
                case "storage" -> w.knobs().contains(Workload.Knob.STORAGE);
                default -> true;
            };
            if (felt) kv.add(key + "=" + value);
        });
        return String.join(",", kv);
    }

    private static double[] throughput(List<Measure> m) {
        return m.stream().mapToDouble(Measure::throughput).toArray();
    }

    private static List<double[]> singletons(double[] v) {
        List<double[]> out = new ArrayList<>();
        for (double x : v) out.add(new double[] {x});
        return out;
    }
}
