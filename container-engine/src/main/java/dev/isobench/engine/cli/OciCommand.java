package dev.isobench.engine.cli;

import dev.isobench.engine.oci.OciRuntime;
import dev.isobench.engine.oci.OciState;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code isobench oci}: the engine behind runc's command line, so that podman ({@code --runtime}), dockerd
 * ({@code --add-runtime}) and containerd's runc shim drive it. Errors print as runc prints them, to stderr and
 * to {@code --log} in its {@code --log-format}, with exit code 1.
 */
@Command(name = "oci", sortOptions = false, versionProvider = OciCommand.Version.class, mixinStandardHelpOptions = true,
        description = "An OCI runtime (runc's command line) backed by the isobench engine (needs root).")
public final class OciCommand {
    /** The verbs, in the order help lists them; added by {@link #commandLine(String[])}, not by the annotation. */
    private static final List<Class<?>> VERBS = List.of(OciCreateCommand.class, OciStartCommand.class, OciStateCommand.class, OciKillCommand.class,
            OciDeleteCommand.class, OciRunCommand.class, OciListCommand.class, OciPsCommand.class, OciExecCommand.class, OciUpdateCommand.class,
            OciFeaturesCommand.class, OciSpecCommand.class, OciUnsupported.Pause.class, OciUnsupported.Resume.class, OciUnsupported.Checkpoint.class,
            OciUnsupported.Restore.class, OciUnsupported.Events.class);
    /** The global options that take a value, so that the verb is found after them. */
    private static final List<String> VALUED = List.of("--root", "--log", "--log-format", "--rootless");
    public static final Path DEFAULT_ROOT = Path.of("/run/isobench/oci");
    static final int FAILED = 1;

    @Option(names = "--root", paramLabel = "DIR", description = "Container state (default: /run/isobench/oci).")
    Path root = DEFAULT_ROOT;

    @Option(names = "--log", paramLabel = "FILE", description = "Where errors and warnings go, besides stderr.")
    Path log;

    @Option(names = "--log-format", paramLabel = "text|json", description = "text (default) or json, one object per line.")
    String logFormat = "text";

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "Refused: the engine manages cgroupfs groups under isobench/ itself.")
    boolean systemdCgroup;

    @Option(names = "--rootless", paramLabel = "true|false|auto", description = "Accepted as false only: the engine needs root.")
    String rootless = "false";

    private OciRuntime runtime;

    OciRuntime runtime() {
        if (systemdCgroup) {
            throw new EngineException("--systemd-cgroup is not supported: the isobench engine makes its own cgroupfs groups under isobench/;"
                    + " configure the client for cgroupfs (podman --cgroup-manager cgroupfs, containerd SystemdCgroup = false, dockerd"
                    + " --exec-opt native.cgroupdriver=cgroupfs)");
        }
        if (rootless.equals("true")) throw new EngineException("--rootless true is not supported: the isobench engine needs root");
        if (!Native.isRoot()) throw new EngineException("the isobench runtime needs root: namespaces, mounts and cgroups are privileged");
        if (runtime == null) runtime = new OciRuntime(CtrCommand.openEngine(root), message -> log("warning", message));
        return runtime;
    }

    /** The runtime alone, for a runtime binary that runs a class path (the tests' wrapper). */
    public static void main(String[] args) {
        System.setProperty("jnr.ffi.asm.enabled", "false");
        System.exit(commandLine(args).setCommandName("isobench-runtime").execute(args));
    }

    /** Every verb: for help, and for a root command that lists it. */
    public static CommandLine commandLine() {
        CommandLine cl = bare();
        for (Class<?> verb : VERBS) cl.addSubcommand(newInstance(verb));
        return cl;
    }

    /**
     * The command line for these arguments with only the verb they name (else, a typo or help, every verb): picocli
     * builds the model of each command it holds by reflection, and a client calls one verb at a time.
     */
    public static CommandLine commandLine(String[] args) {
        String verb = "";
        for (int i = 0; i < args.length; i++) {
            if (VALUED.contains(args[i])) i++;
            else if (!args[i].startsWith("-")) {
                verb = args[i];
                break;
            }
        }
        for (Class<?> c : VERBS) {
            if (c.getAnnotation(Command.class).name().equals(verb)) return bare().addSubcommand(newInstance(c));
        }
        return commandLine();
    }

    private static Object newInstance(Class<?> c) {
        try {
            var ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the " + c.getSimpleName() + " command", e);
        }
    }

    /** The top command with runc's error handling: one line on stderr (and the log), exit code 1. */
    private static CommandLine bare() {
        CommandLine cl = new CommandLine(new OciCommand());
        cl.setOverwrittenOptionsAllowed(true); // a wrapper's --root first, a client's own after it: the last one holds
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            OciCommand top = line.getCommandSpec().root().userObject() instanceof OciCommand o ? o : null;
            if (top != null && top.debug) e.printStackTrace(line.getErr());
            String message = e instanceof EngineException || e instanceof IllegalArgumentException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            line.getErr().println("isobench-runtime: " + message);
            if (top != null) top.log("error", message);
            return FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("isobench-runtime: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return FAILED;
        });
        return cl;
    }

    void log(String level, String message) {
        if (log == null) return;
        String line = logFormat.equals("json")
                ? OciRuntimeJson.line(level, message, Instant.now().toString())
                : "time=\"" + Instant.now() + "\" level=" + level + " msg=\"" + message.replace("\"", "\\\"") + "\"\n";
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("isobench-runtime: cannot write the log " + log + ": " + e.getMessage());
        }
    }

    /** The version lines as runc prints them. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OciCommand.class.getPackage().getImplementationVersion();
            return new String[] {"isobench-runtime version " + (v == null ? "dev" : v), "spec: " + OciState.SPEC_VERSION};
        }
    }
}
