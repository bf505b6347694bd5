package dev.isobench.bench.app;

import java.util.Arrays;

/** Percentiles of one run's latencies, for the load generators that log each request instead of summarising. */
final class Percentiles {
    private Percentiles() {}

    /** The q-quantile (0..1) of these values, nearest rank. */
    static double of(double[] values, double q) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The q-quantile of a histogram: bucket values and their counts, in ascending order of value. */
    static double ofHistogram(double[] values, long[] counts, double q) {
        long total = Arrays.stream(counts).sum();
        if (total == 0) return Double.NaN;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < values.length; i++) {
            seen += counts[i];
            if (seen >= rank) return values[i];
        }
        return values[values.length - 1];
    }
}
