package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] s = {1, 2, 3, 4, 5};
        assertEquals(3, Stats.percentile(s, 50));
        assertEquals(1.04 * 0 + 4.96, Stats.percentile(s, 99), 1e-9);
        assertEquals(1, Stats.percentile(s, 0));
    }

    @Test
    void medianIntervalCoversTheTrueMedianAboutNinetyFivePercentOfTheTime() {
        SplittableRandom r = new SplittableRandom(1);
        int covered = 0;
        for (int trial = 0; trial < 2000; trial++) {
            double[] x = new double[41];
            for (int i = 0; i < x.length; i++) x[i] = -Math.log(r.nextDouble()); // exponential, median ln 2
            double[] sorted = x.clone();
            java.util.Arrays.sort(sorted);
            double[] ci = Stats.medianCi(sorted);
            if (ci[0] <= Math.log(2) && Math.log(2) <= ci[1]) covered++;
        }
        assertEquals(0.95, covered / 2000.0, 0.025);
    }

    @Test
    void ratioOfMediansAndItsBootstrapInterval() {
        double[] a = new double[50];
        double[] b = new double[50];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 50; i++) {
            a[i] = 100 + r.nextDouble();
            b[i] = 102 + r.nextDouble(); // 2% slower
        }
        double[] ratio = Stats.ratioOfMedians(a, b, 2000, 7);
        assertEquals(1.02, ratio[0], 0.002);
        assertTrue(ratio[1] > 1.0 && ratio[2] < 1.04, "a 2% difference is resolved: [" + ratio[1] + ", " + ratio[2] + "]");
        assertEquals(ratio[1], Stats.ratioOfMedians(a, b, 2000, 7)[1], "seeded: same data, same interval");
    }

    /**
     * Two identical setups measured in runs whose samples share a run effect (4%, as a process's placement on
     * a VM gives): an interval over runs covers the true ratio 1.0 about 95% of the time, one over samples
     * less often (79% here), calling identical setups different.
     */
    @Test
    void anIntervalOverRunsHoldsItsCoverageWhereOneOverSamplesDoesNot() {
        SplittableRandom r = new SplittableRandom(3);
        int byRun = 0;
        int bySample = 0;
        int experiments = 200;
        for (int e = 0; e < experiments; e++) {
            java.util.List<double[]> a = runs(r, new double[6]);
            java.util.List<double[]> b = runs(r, new double[6]);
            double[] runLevel = Stats.ratioOfMediansByRun(a, b, 500, e);
            double[] sampleLevel = Stats.ratioOfMedians(Stats.pool(a), Stats.pool(b), 500, e);
            if (runLevel[1] <= 1.0 && 1.0 <= runLevel[2]) byRun++;
            if (sampleLevel[1] <= 1.0 && 1.0 <= sampleLevel[2]) bySample++;
        }
        assertTrue(byRun >= 0.88 * experiments, "runs: " + byRun + " of " + experiments + " intervals hold 1.0");
        assertTrue(bySample <= 0.85 * experiments, "samples: " + bySample + " of " + experiments + " intervals hold 1.0");
        Stats.Summary s = Stats.summarizeRuns(runs(r, new double[6]), 500, 1);
        assertTrue(s.ciLow() < s.median() && s.median() < s.ciHigh(), s.toString());
        assertEquals(30, s.n());
    }

    /**
     * Two identical setups measured in the same 12 turns, while the machine drifts from turn to turn (sd 8%)
     * and each run has its own level on top (sd 2%): drawing the two sides' runs of a turn together, the
     * interval keeps its coverage and is several times narrower than drawing them apart.
     */
    @Test
    void runsOfTheSameTurnAreDrawnTogetherSoTheMachinesDriftCancels() {
        SplittableRandom r = new SplittableRandom(4);
        int covered = 0;
        double pairedWidth = 0;
        double apartWidth = 0;
        int experiments = 200;
        for (int e = 0; e < experiments; e++) {
            double[] drift = new double[12];
            for (int t = 0; t < drift.length; t++) drift[t] = 0.08 * gaussian(r);
            java.util.List<double[]> a = runs(r, drift);
            java.util.List<double[]> b = runs(r, drift);
            double[] paired = Stats.ratioOfMediansByRun(a, b, 500, e);
            double[] apart = Stats.ratioOfMediansByRun(a, b.subList(0, 11), 500, e); // unequal counts: drawn apart
            if (paired[1] <= 1.0 && 1.0 <= paired[2]) covered++;
            pairedWidth += paired[2] - paired[1];
            apartWidth += apart[2] - apart[1];
        }
        assertTrue(covered >= 0.88 * experiments, covered + " of " + experiments + " paired intervals hold 1.0");
        assertTrue(pairedWidth * 2 < apartWidth, "paired " + pairedWidth / experiments + " against apart " + apartWidth / experiments);
    }

    /** One run of 5 samples per turn: each run has the turn's drift plus its own level (sd 2% with drift, else 4%), each sample sd 1%. */
    private static java.util.List<double[]> runs(SplittableRandom r, double[] drift) {
        java.util.List<double[]> runs = new java.util.ArrayList<>();
        boolean drifting = java.util.Arrays.stream(drift).anyMatch(d -> d != 0);
        for (int k = 0; k < drift.length; k++) {
            double level = 100 * (1 + drift[k] + (drifting ? 0.02 : 0.04) * gaussian(r));
            double[] run = new double[5];
            for (int i = 0; i < run.length; i++) run[i] = level * (1 + 0.01 * gaussian(r));
            runs.add(run);
        }
        return runs;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void mannWhitneySeparatesShiftedSamplesAndNotIdenticalOnes() {
        double[] a = new double[30];
        double[] b = new double[30];
        for (int i = 0; i < 30; i++) {
            a[i] = i;
            b[i] = i + 15;
        }
        assertTrue(Stats.mannWhitneyP(a, b) < 0.001);
        assertEquals(1.0, Stats.mannWhitneyP(a, a.clone()), 0.05);
    }

    @Test
    void cliffsDeltaCountsPairs() {
        assertEquals(1.0, Stats.cliffsDelta(new double[] {1, 2, 3}, new double[] {4, 5, 6}), 1e-12, "every b above every a");
        assertEquals(-1.0, Stats.cliffsDelta(new double[] {4, 5, 6}, new double[] {1, 2, 3}), 1e-12);
        assertEquals(0.0, Stats.cliffsDelta(new double[] {1, 2, 3}, new double[] {1, 2, 3}), 1e-12, "ties count for neither side");
        assertEquals(0.5, Stats.cliffsDelta(new double[] {1, 3}, new double[] {2, 4}), 1e-12); // (3 above - 1 below) / 4 pairs
    }

    @Test
    void holmAdjustsStepDownAndStaysMonotone() {
        double[] adjusted = Stats.holm(new double[] {0.01, 0.04, 0.03});
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.03, 0.06, 0.06}, adjusted, 1e-12);
        assertEquals(1.0, Stats.holm(new double[] {0.9, 0.8})[0], 1e-12, "capped at 1");
    }

    /**
     * Two identical setups, 3 runs each whose levels vary by 2% (batches within a run by 0.3%), 400 times: the
     * interval over runs as units holds 1 about as often as a 95% interval should, where the bootstrap over the
     * same 3 runs misses it several times as often.
     */
    @Test
    void anIntervalOverFewRunsCoversTheTruthAsOftenAsItSays() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int trials = 400, missedOverRuns = 0, missedBootstrap = 0;
        for (int t = 0; t < trials; t++) {
            java.util.List<double[]> a = runs(r, 3), b = runs(r, 3);
            double[] overRuns = Stats.ratioOfMediansOverRuns(a, b);
            double[] boot = Stats.ratioOfMediansByRun(a, b, 500, t);
            if (overRuns[1] > 1 || overRuns[2] < 1) missedOverRuns++;
            if (boot[1] > 1 || boot[2] < 1) missedBootstrap++;
        }
        assertTrue(missedOverRuns <= 0.08 * trials, "over runs: missed 1 in " + missedOverRuns + " of " + trials);
        assertTrue(missedBootstrap > 2 * missedOverRuns, "the bootstrap over 3 runs: missed " + missedBootstrap + " of " + trials);
    }

    private static java.util.List<double[]> runs(java.util.SplittableRandom r, int n) {
        java.util.List<double[]> runs = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            double level = 70 * Math.exp(0.02 * normal(r));
            double[] batches = new double[16];
            for (int i = 0; i < batches.length; i++) batches[i] = level * Math.exp(0.003 * normal(r));
            runs.add(batches);
        }
        return runs;
    }

    private static double normal(java.util.SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
