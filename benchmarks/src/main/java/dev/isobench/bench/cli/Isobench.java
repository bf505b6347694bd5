package dev.isobench.bench.cli;

import dev.isobench.engine.cli.CtrCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code isobench} command: the container engine ({@code ctr}) and, on top of it, the benchmark runner. */
@Command(name = "isobench", mixinStandardHelpOptions = true, version = "isobench 0.1.0",
        description = "Measures what OS-level virtualization costs on this host.",
        subcommands = {RunCommand.class, ReportCommand.class, CompareCommand.class, SpreadCommand.class, SoakCommand.class, CtrCommand.class, CommandLine.HelpCommand.class})
public final class Isobench {
    public static void main(String[] args) {
        CommandLine cl = CtrCommand.commandLine(new Isobench());
        cl.setExecutionExceptionHandler(new Errors());
        System.exit(cl.execute(args));
    }
}
