package dev.isobench.engine.cli;

import dev.isobench.engine.Engine;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/** {@code isobench ctr}: the engine's own container commands, in docker's flag style. */
@Command(name = "ctr", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run and manage containers with the isobench engine (needs root).")
public final class CtrCommand {
    /** The subcommands, in the order help lists them. They are added by {@link #forArgs}, not by the annotation. */
    private static final List<Supplier<Object>> SUBCOMMANDS = List.of(RunCommand::new, CreateCommand::new, StartCommand::new,
            ExecCommand::new, PsCommand::new, InspectCommand::new, LogsCommand::new, StopCommand::new, WaitCommand::new, TopCommand::new, PortCommand::new, CpCommand::new,
            KillCommand::new, RmCommand::new, UpdateCommand::new, StatsCommand::new,
            ImagesCommand::new, ImageCommand::new, BuildCommand::new, GcCommand::new, CommandLine.HelpCommand::new);

    private static final java.util.Set<String> COMMAND_AFTER_ARGUMENT = java.util.Set.of("run", "create", "exec");

    @Option(names = "--root", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Engine state and images (default: $ISOBENCH_ROOT or /var/lib/isobench).")
    Path root;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    private Engine engine;
    /** How a root becomes an engine: opened per call in a CLI of its own, kept open by the resident engine. */
    private static volatile java.util.function.Function<Path, Engine> opener = Engine::open;

    Engine engine() {
        if (engine == null) {
            if (!Native.isRoot()) {
                throw new EngineException("isobench ctr needs root: namespaces, mounts and cgroups are"
                        + " privileged operations (run it with sudo)");
            }
            engine = openEngine(Engine.rootFor(root));
        }
        return engine;
    }

    /** The engine at a root, opened the way this process opens them (see {@link #openEnginesWith}). */
    static Engine openEngine(Path root) {
        return opener.apply(root);
    }

    /** For a process that serves many calls: engines it keeps open, one per root. */
    public static void openEnginesWith(java.util.function.Function<Path, Engine> engines) {
        opener = engines;
    }

    /** A command line whose errors print as one line on stderr with a non-zero exit code. */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(Errors::handleParameterException);
        return cl;
    }

    /** {@code ctr} with every subcommand: for help and for a root command that lists it. */
    public static CommandLine full() {
        CommandLine cl = commandLine(new CtrCommand());
        for (Supplier<Object> sub : SUBCOMMANDS) add(cl, sub.get());
        return cl;
    }

    /**
     * Adds a subcommand. run, create and exec read their options up to the first argument only, as docker's: what
     * follows the image (or the container) is the command's, '-c' and '-a' included.
     */
    private static CommandLine add(CommandLine cl, Object command) {
        cl.addSubcommand(command);
        String name = command.getClass().getAnnotation(Command.class).name();
        if (COMMAND_AFTER_ARGUMENT.contains(name)) cl.getSubcommands().get(name).setStopAtPositional(true);
        return cl;
    }

    /**
     * {@code ctr} for these arguments: with only the subcommand they name, else (help, a typo) with all of them.
     * picocli builds the model of every command it holds by reflection when it starts, and a CLI call pays for
     * each; one subcommand instead of thirteen is a lean start path for 'ctr run'.
     */
    public static CommandLine forArgs(String[] args) {
        String name = firstPositional(args);
        for (Supplier<Object> sub : SUBCOMMANDS) {
            Object command = sub.get();
            Command c = command.getClass().getAnnotation(Command.class);
            if (c != null && !(command instanceof CommandLine.HelpCommand)
                    && (c.name().equals(name) || Arrays.asList(c.aliases()).contains(name))) {
                return add(commandLine(new CtrCommand()), command);
            }
        }
        return full();
    }

    /** The first argument that is not an option of ctr itself (or a value of one). */
    private static String firstPositional(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root")) i++;
            else if (!args[i].startsWith("-")) return args[i];
        }
        return "";
    }

    public static void main(String[] args) {
        System.setProperty("jnr.ffi.asm.enabled", "false"); // a faster start, see Isobench.main
        if (args.length > 0 && args[0].equals("oci")) OciCommand.main(Arrays.copyOfRange(args, 1, args.length)); // as 'isobench oci ...'
        if (args.length > 0 && args[0].equals("ctr")) args = Arrays.copyOfRange(args, 1, args.length); // as 'isobench ctr ...'
        System.exit(forArgs(args).execute(args));
    }
}
