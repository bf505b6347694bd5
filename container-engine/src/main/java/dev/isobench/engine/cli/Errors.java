package dev.isobench.engine.cli;

import dev.isobench.engine.sys.EngineException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns an error into one line on stderr and exit code 125 (docker's code for "the engine failed", so it is
 * never confused with the container's own code). {@code --debug} (or ISOBENCH_DEBUG in the environment) adds the
 * stack trace. The one handler of both command lines: {@code isobench ctr} and the benchmarks' {@code isobench},
 * which names the exception types of its own whose messages are already the line a user should read.
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler {
    public static final int ENGINE_FAILED = 125;
    private final List<Class<? extends Exception>> known;

    /** @param known exception types (beside the engine's own) whose message is shown alone, without the type's name */
    @SafeVarargs
    public Errors(Class<? extends Exception>... known) {
        List<Class<? extends Exception>> all = new ArrayList<>(List.of(EngineException.class, IllegalArgumentException.class));
        all.addAll(List.of(known));
        this.known = List.copyOf(all);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean debug = System.getenv("ISOBENCH_DEBUG") != null || parsed.hasMatchedOption("--debug") || hasDebugBelow(parsed);
        if (debug) e.printStackTrace(cl.getErr());
        String message = known.stream().anyMatch(k -> k.isInstance(e)) ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        cl.getErr().println("isobench: error: " + message);
        return ENGINE_FAILED;
    }

    /** A bad flag or argument: one line naming it and where help is, exit code 2. */
    static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("isobench: error: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return 2;
    }

    private static boolean hasDebugBelow(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }
}
