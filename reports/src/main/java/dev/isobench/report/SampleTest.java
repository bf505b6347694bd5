package dev.isobench.report;

import java.util.List;
import java.util.Set;

/**
 * One matched row tested on its raw samples against the baseline run's: Mann-Whitney U (two-sided p, and p after
 * Holm's correction across the comparison's rows), Cliff's delta as the effect size, and a bootstrap 95% interval
 * of the ratio of medians. Significant means Holm's p below 0.05 and a ratio interval that excludes 1. Without a
 * ratio interval (samples in runs with one run on a side) there is no verdict: {@code undetermined} says why, and
 * a small p alone never makes one.
 */
public record SampleTest(double p, double pHolm, double delta, double ratio, double ratioLow, double ratioHigh, String undetermined) {
    static final double ALPHA = 0.05;
    private static final Set<String> TIME_UNITS = Set.of("ns", "us", "ms", "s");
    static final int RESAMPLES = 2000;

    /**
     * The test of samples in runs: p and delta on all samples, the ratio's interval over runs as the units
     * ({@link Stats#ratioOfMediansOverRuns}). A run's samples share its placement, so p alone overstates a
     * difference between runs; the interval carries the spread from run to run, and a verdict needs both.
     * Independent samples (runs of one) keep the plain bootstrap of the ratio of medians. Before Holm's correction:
     * pHolm is p until {@link #withHolm}.
     */
    static SampleTest ofRuns(List<double[]> baseline, List<double[]> other) {
        double[] a = Stats.pool(baseline), b = Stats.pool(other);
        boolean inRuns = baseline.stream().anyMatch(r -> r.length > 1) || other.stream().anyMatch(r -> r.length > 1);
        double[] ratio = inRuns ? Stats.ratioOfMediansOverRuns(baseline, other) : Stats.ratioOfMedians(a, b, RESAMPLES, 42);
        double p = Stats.mannWhitneyP(a, b);
        String undetermined = "";
        if (Double.isNaN(ratio[1]) || Double.isNaN(ratio[2])) {
            int fewest = Math.min(baseline.size(), other.size());
            undetermined = inRuns ? "undetermined: " + fewest + " run on a side (an interval over runs needs 2 on each)" : "undetermined: no interval of the ratio";
        }
        return new SampleTest(p, p, Stats.cliffsDelta(a, b), ratio[0], ratio[1], ratio[2], undetermined);
    }

    SampleTest withHolm(double adjusted) {
        return new SampleTest(p, adjusted, delta, ratio, ratioLow, ratioHigh, undetermined);
    }

    /** Whether the test can judge at all: a ratio interval exists. */
    public boolean determined() {
        return undetermined.isEmpty();
    }

    public boolean significant() {
        return determined() && pHolm < ALPHA && (ratioLow > 1 || ratioHigh < 1);
    }

    /** faster or slower for a time, higher or lower for anything else, no difference, or undetermined and why. */
    public String verdict(String unit) {
        if (!determined()) return undetermined;
        return significant() ? direction(unit, ratio > 1) : "no difference";
    }

    /** A change upwards in this unit: slower for a time, higher for anything else. */
    static String direction(String unit, boolean up) {
        if (TIME_UNITS.contains(unit)) return up ? "slower" : "faster";
        return up ? "higher" : "lower";
    }
}
