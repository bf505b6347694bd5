package dev.isobench.bench.suite;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pause before one suite until a file exists ({@code isobench run --hold-before SUITE:FILE}): a run stopped
 * there is stopped at a known point, whatever the host's speed. FleetIT holds its hosts' runs between two suites
 * and sends Ctrl-C meanwhile, so the outcome does not depend on which finishes first, the suite or the stop.
 */
public record Hold(String suite, Path file) {
    public static Hold parse(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("--hold-before takes SUITE:FILE (e.g. cgroup:/tmp/release), got '" + value + "'");
        }
        String suite = value.substring(0, colon);
        if (!Runner.SUITES.containsKey(suite)) {
            throw new IllegalArgumentException("--hold-before: unknown suite '" + suite + "' (suites: " + String.join(", ", Runner.SUITES.keySet()) + ")");
        }
        return new Hold(suite, Path.of(value.substring(colon + 1)));
    }

    /** Waits, if this hold is before {@code next}, until its file exists; Ctrl-C ends the run meanwhile as anywhere. */
    void await(String next, Progress progress) {
        if (!suite.equals(next) || Files.exists(file)) return;
        progress.message("holding before the " + suite + " suite until " + file + " exists (--hold-before)");
        while (!Files.exists(file)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while holding before the " + suite + " suite", e);
            }
        }
    }
}
