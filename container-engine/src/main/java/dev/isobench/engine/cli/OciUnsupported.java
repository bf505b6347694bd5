package dev.isobench.engine.cli;

import dev.isobench.engine.sys.EngineException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Verbs clients may call that the engine has no mechanism for: a clear refusal, runc's exit code. */
final class OciUnsupported {
    private OciUnsupported() {}

    private static Integer refuse(String verb, String why) {
        throw new EngineException(verb + " is not supported by the isobench engine: " + why);
    }

    @Command(name = "pause", description = "Refused: the engine has no freezer.")
    static final class Pause implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Override public Integer call() { return refuse("pause", "it does not drive the cgroup freezer"); }
    }

    @Command(name = "resume", description = "Refused: the engine has no freezer.")
    static final class Resume implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Override public Integer call() { return refuse("resume", "it does not drive the cgroup freezer"); }
    }

    @Command(name = "checkpoint", description = "Refused: no CRIU.")
    static final class Checkpoint implements Callable<Integer> {
        @Parameters(arity = "0..*") List<String> args;
        @Override public Integer call() { return refuse("checkpoint", "it has no CRIU integration"); }
    }

    @Command(name = "restore", description = "Refused: no CRIU.")
    static final class Restore implements Callable<Integer> {
        @Parameters(arity = "0..*") List<String> args;
        @Override public Integer call() { return refuse("restore", "it has no CRIU integration"); }
    }

    @Command(name = "events", description = "Refused: clients read the container's cgroup directly.")
    static final class Events implements Callable<Integer> {
        @Parameters(arity = "0..*") List<String> args;
        @Override public Integer call() { return refuse("events", "read the container's cgroup (it lies under isobench/)"); }
    }
}
