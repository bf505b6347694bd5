package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shares of a deadline: arithmetic on the clock's readings, no waiting. */
class BudgetTest {
    @Test
    void aShareEndsNoLaterThanItsWholeAndAnEmptyOneIsSpent() {
        Budget whole = Budget.seconds(100);
        Budget half = whole.share(0.5);
        assertTrue(half.deadlineNanos() < whole.deadlineNanos());
        assertTrue(half.secondsLeft() <= 50 && half.secondsLeft() > 40, "half of what is left: " + half.secondsLeft());
        assertTrue(whole.share(2).deadlineNanos() <= whole.deadlineNanos(), "a share is never more than the whole");
        assertTrue(whole.share(0).spent());
        Budget past = Budget.until(System.nanoTime() - 1_000_000_000L);
        assertTrue(past.spent() && past.secondsLeft() == 0 && past.share(0.5).spent(), "a spent budget's shares are spent too");
        assertFalse(past.affords(0.001));
        assertTrue(whole.affords(10) && !whole.affords(1000));
    }

    @Test
    void aHeadlinesPrecisionIsItsIntervalsHalfWidthAgainstItsValue() {
        assertTrue(Math.abs(Precision.halfWidth(100, 98, 102) - 0.02) < 1e-12);
        assertTrue(Double.isInfinite(Precision.halfWidth(100, Double.NaN, Double.NaN)), "no interval: never precise");
        assertTrue(new Precision("r", 10, 0.019, 0.02).met() && !new Precision("r", 10, 0.021, 0.02).met());
        assertTrue(Math.abs(Precision.ratioHalfWidth(0.03, 0.04) - 0.05) < 1e-12, "a ratio's errors add in quadrature");
    }
}
