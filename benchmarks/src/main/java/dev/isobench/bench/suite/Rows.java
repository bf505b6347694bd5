package dev.isobench.bench.suite;

import dev.isobench.report.ResultRow;
import dev.isobench.report.Stats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Turns samples into result rows (median with its 95% interval, tails, mean, ratio to the host) and hlogs. */
final class Rows {
    private static final long BOOTSTRAP_SEED = 20261129L;

    private Rows() {}

    /** What identifies a set of samples. */
    record Key(String suite, String benchmark, String target, String variant, String param) {
        ResultRow row(String metric, String unit, double value, long n) {
            return ResultRow.of(suite, benchmark, target, variant, param, metric, unit, value, n);
        }
    }

    /** Independent samples: the rows, and the samples themselves (samples in runs are not: see summaryRuns). Returns the median's row. */
    static ResultRow summary(SuiteContext ctx, Key k, String unit, double[] samples) {
        ResultRow median = write(ctx, k, unit, Stats.summarize(samples));
        ctx.samples(k.benchmark(), k.target(), k.variant(), k.param(), unit, k.suite(), samples);
        return median;
    }

    /**
     * {@link #summary} of samples taken in runs (one process or connection each): the median's interval comes
     * from a bootstrap over runs, see {@link Stats#summarizeRuns}.
     */
    static ResultRow summaryRuns(SuiteContext ctx, Key k, String unit, List<double[]> runs) {
        ResultRow median = write(ctx, k, unit, Stats.summarizeRuns(runs, 2000, BOOTSTRAP_SEED));
        // each sample with its run: compare's interval then draws whole runs (see docs/results.md)
        ctx.samplesRuns(k.benchmark(), k.target(), k.variant(), k.param(), unit, k.suite(), runs);
        return median;
    }

    private static ResultRow write(SuiteContext ctx, Key k, String unit, Stats.Summary s) {
        ResultRow median = k.row("median", unit, s.median(), s.n()).withCi(s.ciLow(), s.ciHigh());
        ctx.write(median);
        ctx.write(k.row("p99", unit, s.p99(), s.n()));
        ctx.write(k.row("p99.9", unit, s.p999(), s.n()));
        ctx.write(k.row("mean", unit, s.mean(), s.n()));
        return median;
    }

    /** {@link #ratio} of samples taken in runs, with a bootstrap over runs (see {@link Stats#ratioOfMediansByRun}). */
    static ResultRow ratioByRun(SuiteContext ctx, Key k, String baselineName, List<double[]> baseline, List<double[]> other) {
        double[] r = Stats.ratioOfMediansByRun(baseline, other, 2000, BOOTSTRAP_SEED);
        ResultRow row = k.row("ratio_vs_" + baselineName, "ratio", r[0], Stats.pool(other).length).withCi(r[1], r[2]);
        ctx.write(row);
        return row;
    }

    /** other/host as a ratio of medians with a bootstrap 95% interval. */
    static ResultRow ratio(SuiteContext ctx, Key k, double[] host, double[] other) {
        return ratio(ctx, k, "host", host, other);
    }

    /** Median of {@code other} over median of {@code baseline}, as {@code ratio_vs_<baseline>}, with a bootstrap 95% interval. */
    static ResultRow ratio(SuiteContext ctx, Key k, String baselineName, double[] baseline, double[] other) {
        double[] r = Stats.ratioOfMedians(baseline, other, 2000, BOOTSTRAP_SEED);
        ResultRow row = k.row("ratio_vs_" + baselineName, "ratio", r[0], other.length).withCi(r[1], r[2]);
        ctx.write(row);
        return row;
    }

    /** Writes the samples (nanoseconds) as an HdrHistogram log next to the CSVs. */
    static void hlog(SuiteContext ctx, Key k, double[] nanos) {
        Histogram h = new Histogram(3);
        for (double v : nanos) h.recordValue(Math.max(1, Math.round(v)));
        String name = String.join("-", k.suite(), k.benchmark(), k.target(), k.variant(), k.param())
                .replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("-+$", "") + ".hlog";
        Path file = ctx.out().resolve("hlog").resolve(name);
        try {
            Files.createDirectories(file.getParent());
            try (PrintStream ps = new PrintStream(Files.newOutputStream(file))) {
                HistogramLogWriter w = new HistogramLogWriter(ps);
                w.outputComment("isobench " + k);
                w.outputLogFormatVersion();
                w.outputLegend();
                w.outputIntervalHistogram(h);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static double[] millis(double[] nanos) {
        double[] ms = new double[nanos.length];
        for (int i = 0; i < ms.length; i++) ms[i] = nanos[i] / 1e6;
        return ms;
    }
}
