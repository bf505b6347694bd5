package dev.isobench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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
        if (sorted.length == 1) return sorted[0];
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
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

    /** Two-sided p-value of the Mann-Whitney U test (normal approximation with tie correction). */
    public static double mannWhitneyP(double[] a, double[] b) {
        int n1 = a.length;
        int n2 = b.length;
        if (n1 == 0 || n2 == 0) return Double.NaN;
        double[][] all = new double[n1 + n2][];
        for (int i = 0; i < n1; i++) all[i] = new double[] {a[i], 0};
        for (int i = 0; i < n2; i++) all[n1 + i] = new double[] {b[i], 1};
        Arrays.sort(all, (x, y) -> Double.compare(x[0], y[0]));
        double rankSumA = 0;
        double tieTerm = 0;
        int n = n1 + n2;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && all[j][0] == all[i][0]) j++;
            double rank = (i + j + 1) / 2.0; // average of ranks i+1..j
            for (int k = i; k < j; k++) if (all[k][1] == 0) rankSumA += rank;
            double t = j - i;
            tieTerm += t * t * t - t;
            i = j;
        }
        double u = rankSumA - n1 * (n1 + 1) / 2.0;
        double mean = n1 * (double) n2 / 2.0;
        double var = n1 * (double) n2 / 12.0 * ((n + 1) - tieTerm / ((double) n * (n - 1)));
        if (var <= 0) return 1.0;
        double z = (Math.abs(u - mean) - 0.5) / Math.sqrt(var);
        return Math.min(1.0, 2 * (1 - normalCdf(Math.max(0, z))));
    }

    /** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
