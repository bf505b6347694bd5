package dev.isobench.engine.cli;

import dev.isobench.engine.sys.EngineException;
import picocli.CommandLine;

/**
 * Turns an error into one line on stderr and exit code 125 (docker's code for "the engine failed", so it is
 * never confused with the container's own code). {@code --debug} adds the stack trace.
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler {
    public static final int ENGINE_FAILED = 125;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug") || hasDebugBelow(parsed);
        if (debug) e.printStackTrace(cl.getErr());
        String message = e instanceof EngineException || e instanceof IllegalArgumentException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
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
