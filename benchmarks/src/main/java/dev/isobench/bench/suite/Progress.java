package dev.isobench.bench.suite;

import java.io.PrintStream;

/**
 * Shows where a run is: a bar redrawn in place on a terminal, plain lines otherwise (CI logs, pipes). The run is
 * planned against its budget, not a count of steps (the runner sizes the work to fit the time), so the bar is the
 * time spent against the budget and the time left only counts down (a deadline moved later, by the untimed explain
 * passes, holds it where it was until the clock catches up); a run past its budget says by how much, and the last
 * line says the run is done.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private Budget budget;
    private double shownLeft = Double.POSITIVE_INFINITY;

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static Progress forConsole() {
        return new Progress(System.err, System.console() != null && System.getenv("CI") == null);
    }

    /** The run's budget, once the runner knows it: what "left" counts down to. */
    public synchronized void budget(Budget b) {
        budget = b;
    }

    public synchronized void step(String suite, String what) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        String left = left();
        if (terminal) {
            int width = 24;
            double whole = budget == null ? 0 : elapsed + budget.secondsLeft();
            int filled = whole <= 0 ? 0 : (int) Math.min(width, elapsed * width / whole);
            out.printf("\r\033[K[%s%s] %-8s %-48.48s %5.0fs %s", "#".repeat(filled), ".".repeat(width - filled), suite, what, elapsed, left);
        } else {
            out.printf("[%4.0fs] %s: %s%s%n", elapsed, suite, what, left.isEmpty() ? "" : " (" + left + ")");
        }
        out.flush();
    }

    private String left() {
        if (budget == null) return "";
        double s = budget.secondsLeft();
        if (s > 0) {
            shownLeft = Math.min(shownLeft, s);
            return String.format("%.0fs left", shownLeft);
        }
        return String.format("%.0fs over budget", (System.nanoTime() - budget.deadlineNanos()) / 1e9);
    }

    public synchronized void message(String text) {
        if (terminal) out.print("\r\033[K");
        out.println(text);
        out.flush();
    }

    public synchronized void finish() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (terminal) out.printf("\r\033[K[%s] %-8s %-48.48s %5.0fs 0s left%n", "#".repeat(24), "", "done", elapsed);
        else out.printf("[%4.0fs] done (0s left)%n", elapsed);
        out.flush();
    }
}
