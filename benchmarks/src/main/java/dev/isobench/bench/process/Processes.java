package dev.isobench.bench.process;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.SpawnedRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs a whole process and times it from the spawn to its exit ({@link SpawnedRun}), as a C harness would. */
public final class Processes {
    private static final long TIMEOUT_MILLIS = 120_000;

    private Processes() {}

    public static Execution run(List<String> command, Path scratch) {
        try {
            SpawnedRun.Result r = SpawnedRun.run(command, scratch, TIMEOUT_MILLIS);
            return new Execution(r.nanos(), r.exitCode(), r.stdout(), r.stderr());
        } catch (EngineException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** The first line a command prints, or empty when it cannot run (not installed). */
    public static Optional<String> firstLine(Path scratch, String... command) {
        try {
            Execution e = run(List.of(command), scratch);
            return e.exitCode() == 0 ? e.stdout().lines().findFirst() : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }
}
