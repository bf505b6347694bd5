package dev.isobench.bench.suite;

import java.io.PrintStream;

/**
 * Shows where a run is: a bar redrawn in place on a terminal, plain lines otherwise (CI logs, pipes).
 * Time left is estimated from the steps done so far.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private int total;
    private int done;

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static Progress forConsole() {
        return new Progress(System.err, System.console() != null && System.getenv("CI") == null);
    }

    public synchronized void plan(int steps) {
        total += steps;
    }

    public synchronized void step(String suite, String what) {
        done++;
        double elapsed = (System.nanoTime() - start) / 1e9;
        String left = done > 1 && total >= done ? String.format("~%.0fs left", elapsed / (done - 1) * (total - done + 1)) : "";
        if (terminal) {
            int width = 24;
            int filled = total == 0 ? 0 : Math.min(width, done * width / total);
            out.printf("\r\033[K[%s%s] %d/%d %-8s %-40.40s %5.0fs %s", "#".repeat(filled), ".".repeat(width - filled), done, total,
                    suite, what, elapsed, left);
        } else {
            out.printf("[%4.0fs] %s: %s (%d/%d) %s%n", elapsed, suite, what, done, total, left);
        }
        out.flush();
    }

    public synchronized void message(String text) {
        if (terminal) out.print("\r\033[K");
        out.println(text);
        out.flush();
    }

    public synchronized void finish() {
        if (terminal) out.println();
    }
}
