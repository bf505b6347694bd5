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
}
