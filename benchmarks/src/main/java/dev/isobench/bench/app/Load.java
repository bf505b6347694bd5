package dev.isobench.bench.app;

/**
 * How hard and how long one run drives its workload: the load generator's connections (Redis, PostgreSQL, nginx;
 * 1 for the rest), the measured seconds, and the rate this place reached last time (requests per second; NaN before
 * its first run), for a load generator that counts requests instead of seconds.
 */
public record Load(int clients, double seconds, double expectedRate) {
    public Load {
        if (clients < 1) throw new IllegalArgumentException("a load needs one or more clients, got " + clients);
        if (!(seconds > 0)) throw new IllegalArgumentException("a load needs a positive duration, got " + seconds);
    }

    /** Whole seconds, at least one: what wrk takes. */
    public int wholeSeconds() {
        return (int) Math.max(1, Math.round(seconds));
    }

    /**
     * How many operations fill the run at the expected rate, at least {@code least}: for load generators that count
     * (redis-benchmark's requests, pgbench's transactions, sysbench's events). Before a place's first run the rate
     * is {@code fallback}.
     */
    public long operations(double fallback, long least) {
        double rate = Double.isFinite(expectedRate) && expectedRate > 0 ? expectedRate : fallback;
        return Math.max(least, Math.round(rate * seconds));
    }
}
