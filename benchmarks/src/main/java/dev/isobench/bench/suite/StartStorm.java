package dev.isobench.bench.suite;

import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The startup suite's storms: N workers start containers back to back, on the engine and on runc and crun. */
final class StartStorm {
    private static final String NAME = StartupSuite.NAME;
    private static final List<String> TRUE = StartupSuite.TRUE;

    private StartStorm() {}

    static List<Target> targets(SuiteContext ctx, List<EngineTarget> engines) {
        List<Target> t = new ArrayList<>();
        if (!engines.isEmpty()) t.add(engines.get(0));
        for (Target p : ctx.processTargets()) if (p.name().equals("crun") || p.name().equals("runc")) t.add(p);
        return t;
    }

    /** N workers each start containers back to back for a fixed time: throughput and latency at that load. */
    static void run(SuiteContext ctx, Target t, double seconds) {
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
