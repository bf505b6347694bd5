package dev.isobench.bench.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a whole process and times it from start() to the observed exit; output goes to files, not pipes. */
public final class Processes {
    private static final long TIMEOUT_SECONDS = 120;

    private Processes() {}

    public static Execution run(List<String> command, Path scratch) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "out", "");
            Path err = Files.createTempFile(scratch, "err", "");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                long start = System.nanoTime();
                Process p = pb.start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
                }
                long nanos = System.nanoTime() - start;
                return new Execution(nanos, p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The first line a command prints, or empty when it cannot run (not installed). */
    public static java.util.Optional<String> firstLine(Path scratch, String... command) {
        try {
            Execution e = run(List.of(command), scratch);
            return e.exitCode() == 0 ? e.stdout().lines().findFirst() : java.util.Optional.empty();
        } catch (IllegalStateException e) {
            return java.util.Optional.empty();
        }
    }
}
