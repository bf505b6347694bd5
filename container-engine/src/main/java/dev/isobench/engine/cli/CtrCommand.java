package dev.isobench.engine.cli;

import dev.isobench.engine.Engine;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code isobench ctr}: the engine's own container commands, in docker's flag style. */
@Command(name = "ctr", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run and manage containers with the isobench engine (needs root).",
        subcommands = {RunCommand.class, CreateCommand.class, StartCommand.class, ExecCommand.class, PsCommand.class,
                KillCommand.class, RmCommand.class, UpdateCommand.class, StatsCommand.class, ImagesCommand.class, ImageCommand.class, BuildCommand.class,
                GcCommand.class, CommandLine.HelpCommand.class})
public final class CtrCommand {
    @Option(names = "--root", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Engine state and images (default: $ISOBENCH_ROOT or /var/lib/isobench).")
    Path root;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    private Engine engine;

    Engine engine() {
        if (engine == null) {
            if (!dev.isobench.engine.sys.Native.isRoot()) {
                throw new dev.isobench.engine.EngineException("isobench ctr needs root: namespaces, mounts and cgroups are"
                        + " privileged operations (run it with sudo)");
            }
            String env = System.getenv("ISOBENCH_ROOT");
            Path r = root != null ? root : env != null && !env.isEmpty() ? Path.of(env) : Engine.DEFAULT_ROOT;
            engine = Engine.open(r);
        }
        return engine;
    }

    /** A command line whose errors print as one line on stderr with a non-zero exit code. */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(Errors::handleParameterException);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new CtrCommand()).execute(args));
    }
}
