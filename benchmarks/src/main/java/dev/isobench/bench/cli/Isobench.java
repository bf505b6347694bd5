package dev.isobench.bench.cli;

import dev.isobench.bench.fleet.FleetException;
import dev.isobench.engine.cli.CtrCommand;
import dev.isobench.engine.cli.Errors;
import dev.isobench.engine.cli.OciCommand;
import dev.isobench.report.ReportException;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code isobench} command: the container engine ({@code ctr}) and, on top of it, the benchmark runner. */
@Command(name = "isobench", mixinStandardHelpOptions = true, version = "isobench 0.1.0",
        description = "Measures what OS-level virtualization costs on this host.",
        subcommands = {RunCommand.class, ExplainCommand.class, ReportCommand.class, CompareCommand.class, HistoryCommand.class, FleetCommand.class, SpreadCommand.class, SoakCommand.class, GcCommand.class, GuestPointCommand.class})
public final class Isobench {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ctr")) {
            // The lean path: picocli builds its model of every command it holds by reflection at start, and the
            // runner's commands would cost a container CLI call time it never uses. jnr-ffi binds by reflection
            // instead of generating code: slower calls (a CLI makes a few dozen) but a faster start.
            System.setProperty("jnr.ffi.asm.enabled", "false");
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            System.exit(CtrCommand.forArgs(rest).setCommandName("isobench ctr").execute(rest));
        }
        if (args.length > 0 && args[0].equals("engine")) { // the resident engine: isobench engine serve
            dev.isobench.engine.server.EngineServer.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("oci")) { // an OCI runtime's verbs: the same lean path as ctr
            System.setProperty("jnr.ffi.asm.enabled", "false");
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            System.exit(OciCommand.commandLine(rest).setCommandName("isobench oci").execute(rest));
        }
        System.exit(commandLine().execute(args));
    }

    /** The whole command line: the runner's commands, ctr's and oci's, and help. */
    static CommandLine commandLine() {
        CommandLine cl = CtrCommand.commandLine(new Isobench());
        cl.setExecutionExceptionHandler(new Errors(ReportException.class, IllegalStateException.class, FleetException.class));
        return cl.addSubcommand(CtrCommand.full()).addSubcommand(OciCommand.commandLine()).addSubcommand(new CommandLine.HelpCommand());
    }
}
