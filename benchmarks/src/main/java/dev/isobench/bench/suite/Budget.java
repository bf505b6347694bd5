package dev.isobench.bench.suite;

/**
 * A deadline on the monotonic clock, and shares of what is left of it. The runner gives each suite a share of the
 * run's budget when the suite starts (what earlier suites left over goes to the later ones; a slow suite borrows
 * from no one), and a suite gives its parts shares of its own. Measurements take their minimum counts whatever
 * the budget, then sample on only while theirs lasts.
 */
public final class Budget {
    private final long deadline;

    private Budget(long deadlineNanos) {
        this.deadline = deadlineNanos;
    }

    public static Budget until(long deadlineNanos) {
        return new Budget(deadlineNanos);
    }

    public static Budget seconds(double seconds) {
        return new Budget(System.nanoTime() + (long) (seconds * 1e9));
    }

    /** No limit: tests and callers that measure counts only. */
    public static Budget unlimited() {
        return new Budget(System.nanoTime() + (long) 1e18);
    }

    public long deadlineNanos() {
        return deadline;
    }

    public double secondsLeft() {
        return Math.max(0, (deadline - System.nanoTime()) / 1e9);
    }

    public boolean spent() {
        return System.nanoTime() >= deadline;
    }

    /** Whether one more step that takes about this long still ends before the deadline. */
    public boolean affords(double stepSeconds) {
        return stepSeconds <= secondsLeft();
    }

    /** This fraction of what is left now, from now. */
    public Budget share(double fraction) {
        long now = System.nanoTime();
        return new Budget(now + (long) (Math.max(0, deadline - now) * Math.min(1, Math.max(0, fraction))));
    }
}
