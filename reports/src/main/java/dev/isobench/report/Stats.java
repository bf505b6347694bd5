package dev.isobench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * The statistics isobench reports, all distribution-free: medians with order-statistic confidence
 * intervals, percentiles, bootstrap intervals for ratios of medians, and the Mann-Whitney U test.
 */
public final class Stats {
    private static final double Z95 = 1.959963984540054;

    private Stats() {}

    /** Median, its 95% interval, tail percentiles and the mean of a sample. */
    public record Summary(double median, double ciLow, double ciHigh, double p99, double p999, double mean, int n) {}

    public static Summary summarize(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] s = samples.clone();
        Arrays.sort(s);
        double[] ci = medianCi(s);
        return new Summary(percentile(s, 50), ci[0], ci[1], percentile(s, 99), percentile(s, 99.9), Arrays.stream(s).average().orElse(Double.NaN), s.length);
    }

    /** Linear interpolation between closest ranks (type 7, R's default) of a sorted sample. */
    public static double percentile(double[] sorted, double p) {
        if (p == 0 || sorted.length == 1) return sorted[0]; // commons-math takes p in (0, 100]
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(sorted, p);
    }

    /**
     * The 95% interval of the median from order statistics (binomial, normal approximation): it needs no
     * assumption about the distribution. Fewer than 6 samples give NaN bounds.
     */
    public static double[] medianCi(double[] sorted) {
        int n = sorted.length;
        if (n < 6) return new double[] {Double.NaN, Double.NaN};
        double half = Z95 * Math.sqrt(n) / 2.0;
        int lo = (int) Math.max(0, Math.floor(n / 2.0 - half));
        int hi = (int) Math.min(n - 1, Math.ceil(n / 2.0 + half) - 1);
        return new double[] {sorted[lo], sorted[hi]};
    }

    public static double median(double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return percentile(s, 50);
    }

    /**
     * Ratio of medians b/a with a 95% percentile-bootstrap interval (seeded, so the same data give the same
     * interval). Returns {ratio, low, high}.
     */
    public static double[] ratioOfMedians(double[] a, double[] b, int resamples, long seed) {
        double ratio = median(b) / median(a);
        if (a.length < 2 || b.length < 2) return new double[] {ratio, Double.NaN, Double.NaN};
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        double[] ra = new double[a.length];
        double[] rb = new double[b.length];
        for (int i = 0; i < resamples; i++) {
            for (int k = 0; k < ra.length; k++) ra[k] = a[random.nextInt(a.length)];
            for (int k = 0; k < rb.length; k++) rb[k] = b[random.nextInt(b.length)];
            ratios[i] = median(rb) / median(ra);
        }
        Arrays.sort(ratios);
        return new double[] {ratio, percentile(ratios, 2.5), percentile(ratios, 97.5)};
    }

    /**
     * {@link #summarize} of samples that come in runs (one process, one connection), with the median's interval
     * from a bootstrap over runs, not samples: samples of one run share that run's placement and moment, so
     * treating them as independent gives an interval far too narrow (identical setups then "differ").
     * One run falls back to the order-statistic interval.
     */
    public static Summary summarizeRuns(List<double[]> runs, int resamples, long seed) {
        Summary pooled = summarize(pool(runs));
        if (runs.size() < 2) return pooled;
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[resamples];
        for (int i = 0; i < resamples; i++) medians[i] = median(pool(resample(runs, random)));
        Arrays.sort(medians);
        return new Summary(pooled.median(), percentile(medians, 2.5), percentile(medians, 97.5), pooled.p99(), pooled.p999(), pooled.mean(), pooled.n());
    }

    /**
     * {@link #ratioOfMedians} of samples that come in runs: the bootstrap draws whole runs, for the reason given
     * at {@link #summarizeRuns}. When both sides have as many runs, run i of each is taken to come from the
     * same turn and the two are drawn together, so a drift of the machine from turn to turn, which both share,
     * cancels instead of widening the interval. Fewer than 2 runs on either side give NaN bounds.
     */
    public static double[] ratioOfMediansByRun(List<double[]> a, List<double[]> b, int resamples, long seed) {
        double ratio = median(pool(b)) / median(pool(a));
        if (a.size() < 2 || b.size() < 2) return new double[] {ratio, Double.NaN, Double.NaN};
        boolean paired = a.size() == b.size();
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        for (int i = 0; i < resamples; i++) {
            int[] turns = draw(b.size(), random);
            ratios[i] = median(pool(pick(b, turns))) / median(pool(pick(a, paired ? turns : draw(a.size(), random))));
        }
        Arrays.sort(ratios);
        return new double[] {ratio, percentile(ratios, 2.5), percentile(ratios, 97.5)};
    }

    /**
     * Ratio of medians b/a of samples in runs, with a 95% interval taken over runs as the units: Welch's t on the
     * logs of each run's median, with Welch-Satterthwaite's degrees of freedom. With a handful of runs a side (a
     * quick profile's 6, a tiny one's 3) a bootstrap over runs is far too narrow: it cannot see more spread than
     * the few runs show, and it uses the normal quantile where t's is 2.6 (6 runs) to 4.3 (3): two sandbox hosts of
     * one setup were called apart by it. Fewer than 2 runs on a side give NaN bounds.
     */
    public static double[] ratioOfMediansOverRuns(List<double[]> a, List<double[]> b) {
        double ratio = median(pool(b)) / median(pool(a));
        if (a.size() < 2 || b.size() < 2) return new double[] {ratio, Double.NaN, Double.NaN};
        double[] la = logMedians(a), lb = logMedians(b);
        double va = StatUtils.variance(la) / la.length, vb = StatUtils.variance(lb) / lb.length;
        double se = Math.sqrt(va + vb);
        if (se == 0) return new double[] {ratio, ratio, ratio};
        double df = (va + vb) * (va + vb) / (va * va / (la.length - 1) + vb * vb / (lb.length - 1));
        double t = new TDistribution(df).inverseCumulativeProbability(0.975);
        return new double[] {ratio, ratio * Math.exp(-t * se), ratio * Math.exp(t * se)};
    }

    /**
     * How precisely runs of samples place their median, from the spread of the runs' own medians: the half-width of
     * a t-interval on their logs, as a fraction. The conservative figure to decide on with few runs (a bootstrap
     * over 3 runs is far too narrow); infinite with fewer than 2 runs.
     */
    public static double relativeHalfWidthOverRuns(List<double[]> runs) {
        if (runs.size() < 2) return Double.POSITIVE_INFINITY;
        double[] l = logMedians(runs);
        double se = Math.sqrt(StatUtils.variance(l) / l.length);
        return Math.expm1(new TDistribution(l.length - 1).inverseCumulativeProbability(0.975) * se);
    }

    /**
     * The 95% interval of a few runs' figures (one each: a run's throughput), from a t-interval on their logs: the
     * interval of their geometric mean, widened where needed to hold their median. NaN bounds with fewer than 2.
     */
    public static double[] intervalOverRuns(double[] values) {
        if (values.length < 2) return new double[] {Double.NaN, Double.NaN};
        double[] logs = Arrays.stream(values).map(Math::log).toArray();
        double mean = StatUtils.mean(logs);
        double se = Math.sqrt(StatUtils.variance(logs) / logs.length);
        double t = new TDistribution(logs.length - 1).inverseCumulativeProbability(0.975);
        double m = median(values);
        return new double[] {Math.min(m, Math.exp(mean - t * se)), Math.max(m, Math.exp(mean + t * se))};
    }

    private static double[] logMedians(List<double[]> runs) {
        return runs.stream().mapToDouble(r -> Math.log(median(r))).toArray();
    }

    public static double[] pool(List<double[]> runs) {
        return runs.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    private static List<double[]> resample(List<double[]> runs, SplittableRandom random) {
        return pick(runs, draw(runs.size(), random));
    }

    /** n indices below n, drawn with replacement. */
    private static int[] draw(int n, SplittableRandom random) {
        int[] drawn = new int[n];
        for (int k = 0; k < n; k++) drawn[k] = random.nextInt(n);
        return drawn;
    }

    private static List<double[]> pick(List<double[]> runs, int[] indices) {
        List<double[]> picked = new ArrayList<>(indices.length);
        for (int i : indices) picked.add(runs.get(i));
        return picked;
    }

    /** Two-sided p-value of the Mann-Whitney U test (commons-math: the normal approximation). */
    public static double mannWhitneyP(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) return Double.NaN;
        return new MannWhitneyUTest().mannWhitneyUTest(a, b);
    }

    /**
     * Cliff's delta of b against a: P(b > a) - P(b < a) over all pairs, in [-1, 1]; 0 is no effect, |d| above 0.147,
     * 0.33 and 0.474 is small, medium and large (Romano et al.). Counted in O((n+m) log(n+m)) on sorted copies.
     */
    public static double cliffsDelta(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) return Double.NaN;
        double[] sa = a.clone();
        Arrays.sort(sa);
        long greater = 0, less = 0;
        for (double x : b) {
            int below = lowerBound(sa, x); // a values < x
            int notAbove = upperBound(sa, x); // a values <= x
            greater += below;
            less += sa.length - notAbove;
        }
        return (double) (greater - less) / ((double) a.length * b.length);
    }

    private static int lowerBound(double[] sorted, double x) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double x) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Holm's step-down adjustment of p values for testing them all at once: each is at least as large as before, and monotone. */
    public static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(p[x], p[y]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
