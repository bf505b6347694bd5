package dev.isobench.bench.suite;

import dev.isobench.report.ResultRow;

/**
 * How precisely a headline row is known: the half-width of its 95% interval as a fraction of its value, against
 * the profile's target. The sampling loops stop once their headlines meet it; the manifest and the CSV say for
 * every headline what it reached.
 */
public record Precision(String row, long samples, double halfWidth, double target) {
    public boolean met() {
        return halfWidth <= target;
    }

    /** The half-width of an interval around a value, as a fraction of the value; infinite without an interval. */
    public static double halfWidth(double value, double low, double high) {
        if (!(value > 0) || Double.isNaN(low) || Double.isNaN(high)) return Double.POSITIVE_INFINITY;
        return (high - low) / 2 / value;
    }

    /**
     * The half-width a ratio of two medians will have, from the medians' own: their relative errors add in
     * quadrature. Cheap enough to check after every turn; the row's own interval is the bootstrap's.
     */
    public static double ratioHalfWidth(double a, double b) {
        return Math.sqrt(a * a + b * b);
    }

    static Precision of(ResultRow r, double target) {
        String name = String.join(" ", r.suite(), r.benchmark(), r.target() + (r.variant().isEmpty() ? "" : "/" + r.variant()),
                r.param(), r.metric()).replaceAll(" +", " ").trim();
        return new Precision(name, r.samples(), halfWidth(r.value(), r.ciLow(), r.ciHigh()), target);
    }
}
