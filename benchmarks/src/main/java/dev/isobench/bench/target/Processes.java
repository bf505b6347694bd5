package dev.isobench.bench.target;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.sys.LibC;
import dev.isobench.engine.sys.Native;
import dev.isobench.engine.sys.SpawnAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a whole process and times it from the spawn to its exit; output goes to files, not pipes.
 *
 * <p>posix_spawn from this thread and a pidfd for the exit, as a C harness would: ProcessBuilder goes through
 * the JDK's jspawnhelper (a second exec) and its reaper thread, which added 3.3 ms to every run of
 * {@code /probe true} here (4.9 ms against 1.45 ms from a C loop, same machine, same minute).
 */
public final class Processes {
    private static final int TIMEOUT_SECONDS = 120;
    private static final List<String> ENVIRONMENT = System.getenv().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).toList();

    private Processes() {}

    public static Execution run(List<String> command, Path scratch) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "out", "");
            Path err = Files.createTempFile(scratch, "err", "");
            try {
                List<SpawnAction> actions = List.of(SpawnAction.open("/dev/null", 0, LibC.O_RDONLY, 0),
                        SpawnAction.open(out.toString(), 1, LibC.O_WRONLY | LibC.O_TRUNC, 0), SpawnAction.open(err.toString(), 2, LibC.O_WRONLY | LibC.O_TRUNC, 0),
                        SpawnAction.closeFrom(3));
                long start = System.nanoTime();
                int pid = Native.spawn(command.get(0), command, actions, ENVIRONMENT);
                boolean exited = Native.awaitExit(pid, TIMEOUT_SECONDS * 1000);
                long nanos = System.nanoTime() - start;
                if (!exited) {
                    Native.kill(pid, 9);
                    Native.waitpid(pid);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
                }
                return new Execution(nanos, Native.exitCode(Native.waitpid(pid)), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException | EngineException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
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
