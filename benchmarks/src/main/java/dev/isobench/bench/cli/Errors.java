package dev.isobench.bench.cli;

import dev.isobench.bench.fleet.FleetException;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.report.ReportException;
import picocli.CommandLine;

/** One line on stderr for every kind of error the isobench commands raise; --debug in ctr adds stack traces. */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (System.getenv("ISOBENCH_DEBUG") != null || hasDebug(parsed)) e.printStackTrace(cl.getErr());
        boolean known = e instanceof EngineException || e instanceof ReportException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof FleetException;
        cl.getErr().println("isobench: error: " + (known ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage()));
        return dev.isobench.engine.cli.Errors.ENGINE_FAILED;
    }

    private static boolean hasDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }
}
