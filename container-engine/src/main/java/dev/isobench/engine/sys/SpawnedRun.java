package dev.isobench.engine.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a command to its exit and times it from the spawn to the exit; output goes to files, not pipes.
 *
 * <p>posix_spawn from this thread and a pidfd for the exit, as a C harness would: ProcessBuilder goes through
 * the JDK's jspawnhelper (a second exec) and its reaper thread, which add milliseconds to every run of
 * {@code /probe true} (docs/measurements.md).
 */
public final class SpawnedRun {
    private static final List<String> ENVIRONMENT = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    /** How often a wait looks for an interrupt (Ctrl-C in the runner), which kills the command. */
    private static final int POLL_MILLIS = 100;
    /** A timeout that never comes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** What the command did: wall time from the spawn to the exit seen, exit code and output. */
    public record Result(long nanos, int exitCode, String stdout, String stderr) {}

    private SpawnedRun() {}

    /**
     * Runs {@code command} (found on PATH) with this JVM's environment and stdin from /dev/null; its output is
     * written to files in {@code scratch}, removed afterwards. A command still running after
     * {@code timeoutMillis}, or when this thread is interrupted, is killed and reaped, and the run fails.
     */
    public static Result run(List<String> command, Path scratch, long timeoutMillis) {
        Path out = null;
        Path err = null;
        try {
            Files.createDirectories(scratch);
            out = Files.createTempFile(scratch, "out", "");
            err = Files.createTempFile(scratch, "err", "");
            List<SpawnAction> actions = List.of(SpawnAction.open("/dev/null", 0, LibC.O_RDONLY, 0),
                    SpawnAction.open(out.toString(), 1, LibC.O_WRONLY | LibC.O_TRUNC, 0), SpawnAction.open(err.toString(), 2, LibC.O_WRONLY | LibC.O_TRUNC, 0),
                    SpawnAction.closeFrom(3));
            long start = System.nanoTime();
            int pid = Native.spawn(command.get(0), command, actions, ENVIRONMENT);
            while (!Native.awaitExit(pid, POLL_MILLIS)) {
                boolean late = (System.nanoTime() - start) / 1_000_000L >= timeoutMillis;
                if (late || Thread.currentThread().isInterrupted()) {
                    Native.kill(pid, 9);
                    Native.waitpid(pid);
                    throw new EngineException(String.join(" ", command) + (late ? " did not finish in " + timeoutMillis / 1000 + " s" : " was interrupted"));
                }
            }
            long nanos = System.nanoTime() - start;
            return new Result(nanos, Native.exitCode(Native.waitpid(pid)), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new EngineException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) file.toFile().delete();
    }
}
