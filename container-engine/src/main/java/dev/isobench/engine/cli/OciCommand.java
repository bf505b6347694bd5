package dev.isobench.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.oci.ExecReader;
import dev.isobench.engine.oci.OciRuntime;
import dev.isobench.engine.oci.OciState;
import dev.isobench.engine.oci.RuntimeFeatures;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code isobench oci}: the engine behind runc's command line, so that podman ({@code --runtime}), dockerd
 * ({@code --add-runtime}) and containerd's runc shim drive it. Errors print as runc prints them, to stderr and
 * to {@code --log} in its {@code --log-format}, with exit code 1.
 */
@Command(name = "oci", sortOptions = false, versionProvider = OciCommand.Version.class, mixinStandardHelpOptions = true,
        description = "An OCI runtime (runc's command line) backed by the isobench engine (needs root).")
public final class OciCommand {
    /** The verbs, in the order help lists them; added by {@link #commandLine(String[])}, not by the annotation. */
    private static final List<Class<?>> VERBS = List.of(Create.class, Start.class, State.class, Kill.class, Delete.class, Run.class,
            ListCommand.class, Ps.class, Exec.class, Update.class, Features.class, Spec.class, Unsupported.Pause.class, Unsupported.Resume.class,
            Unsupported.Checkpoint.class, Unsupported.Restore.class, Unsupported.Events.class);
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

    /** What create and run take: the bundle and how the container is set up from it. */
    static final class BundleOptions {
        @Option(names = {"--bundle", "-b"}, paramLabel = "DIR", defaultValue = ".", description = "The bundle (default: the current directory).") Path bundle;
        @Option(names = "--pid-file", paramLabel = "FILE") Path pidFile;
        @Option(names = "--console-socket", paramLabel = "SOCKET") String consoleSocket;
        @Option(names = "--no-pivot", description = "chroot into the root instead of pivot_root.") boolean noPivot;
        @Option(names = "--no-new-keyring", description = "Accepted: the engine never makes a session keyring.") boolean noNewKeyring;
        @Option(names = "--preserve-fds", paramLabel = "N") int preserveFds;

        void create(OciRuntime runtime, String id) {
            if (preserveFds != 0) throw new EngineException("--preserve-fds is not supported by the isobench engine (its stage closes every fd above 2)");
            runtime.create(id, bundle, Optional.ofNullable(pidFile), Optional.ofNullable(consoleSocket), noPivot);
        }
    }

    @Command(name = "create", description = "Create a container from a bundle; it waits for start.")
    static final class Create implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Mixin BundleOptions bundle;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            bundle.create(oci.runtime(), id);
            return 0;
        }
    }

    @Command(name = "start", description = "Start a created container.")
    static final class Start implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            oci.runtime().start(id);
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container, and wait for it unless --detach.")
    static final class Run implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Mixin BundleOptions bundle;
        @Option(names = {"--detach", "-d"}) boolean detach;
        @Option(names = "--keep", description = "Do not delete the container after it exits.") boolean keep;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            OciRuntime r = oci.runtime();
            if (!detach) Native.becomeSubreaper(); // the container is handed to this process, which then hears its code
            bundle.create(r, id);
            try {
                r.start(id);
            } catch (RuntimeException e) {
                r.delete(id, true);
                throw e;
            }
            if (detach) return 0;
            int code = Native.exitCode(Native.waitpid(r.state(id).pid()));
            if (!keep) r.delete(id, true);
            return code;
        }
    }

    @Command(name = "state", description = "Print the container's state as the runtime spec's JSON.")
    static final class State implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            System.out.println(OciRuntimeJson.pretty(oci.runtime().state(id)));
            return 0;
        }
    }

    @Command(name = "kill", description = "Send a signal (default SIGTERM) to the container's first process, or with --all to every one.")
    static final class Kill implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--all", "-a"}) boolean all;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "SIGTERM") String signal;

        @Override
        public Integer call() {
            oci.runtime().kill(id, Signals.parse(signal), all);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a stopped container (--force: kill it first).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--force", "-f"}) boolean force;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            oci.runtime().delete(id, force);
            return 0;
        }
    }

    @Command(name = "list", description = "List the containers.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--format", "-f"}, paramLabel = "table|json") String format = "table";
        @Option(names = {"--quiet", "-q"}) boolean quiet;

        @Override
        public Integer call() {
            List<OciState> all = oci.runtime().list();
            if (format.equals("json")) {
                System.out.println(OciRuntimeJson.compact(all));
            } else if (quiet) {
                all.forEach(s -> System.out.println(s.id()));
            } else {
                System.out.printf("%-12s %-10s %-10s %-40s %-30s %s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                for (OciState s : all) {
                    System.out.printf("%-12s %-10d %-10s %-40s %-30s %s%n", s.id(), s.pid(), s.status(), s.bundle(), s.created(), "root");
                }
            }
            return 0;
        }
    }

    @Command(name = "ps", description = "The container's processes: host pids as JSON, or ps(1) lines of them.")
    static final class Ps implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--format", "-f"}, paramLabel = "table|json") String format = "table";
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", paramLabel = "PS-ARGS") List<String> psArgs = new ArrayList<>();

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<Integer> pids = oci.runtime().pids(id);
            if (format.equals("json")) {
                System.out.println(OciRuntimeJson.compact(pids));
                return 0;
            }
            List<String> cmd = new ArrayList<>(List.of("ps"));
            cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
            Process ps = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (ps.waitFor() != 0 || lines.isEmpty()) throw new EngineException("ps " + String.join(" ", cmd.subList(1, cmd.size())) + " failed");
            int column = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
            if (column < 0) throw new EngineException("ps output has no PID column");
            System.out.println(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > column && pids.contains(Integer.parseInt(f[column]))) System.out.println(line);
            }
            return 0;
        }
    }

    @Command(name = "exec", description = "Run a further process in a running container (a process.json, or a command).")
    static final class Exec implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--process", "-p"}, paramLabel = "FILE") Path process;
        @Option(names = {"--detach", "-d"}) boolean detach;
        @Option(names = "--pid-file", paramLabel = "FILE") Path pidFile;
        @Option(names = "--console-socket", paramLabel = "SOCKET") String consoleSocket;
        @Option(names = {"--tty", "-t"}) boolean tty;
        @Option(names = "--cwd", paramLabel = "DIR") String cwd;
        @Option(names = {"--env", "-e"}, paramLabel = "KEY=VALUE") List<String> env = new ArrayList<>();
        @Option(names = {"--user", "-u"}, paramLabel = "UID[:GID]") String user;
        @Option(names = {"--additional-gids", "-g"}, paramLabel = "GID") List<Integer> groups = new ArrayList<>();
        @Option(names = {"--cap", "-c"}, paramLabel = "CAP") List<String> caps = new ArrayList<>();
        @Option(names = "--no-new-privs") boolean noNewPrivs;
        @Option(names = "--preserve-fds", paramLabel = "N") int preserveFds;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            if (preserveFds != 0) throw new EngineException("--preserve-fds is not supported by the isobench engine (its stage closes every fd above 2)");
            ExecSpec spec = process != null
                    ? ExecReader.read(process, Optional.ofNullable(consoleSocket), detach)
                    : ExecReader.fromFlags(command, env, cwd, user, groups, caps, noNewPrivs, tty, Optional.ofNullable(consoleSocket), detach);
            return oci.runtime().exec(id, spec, Optional.ofNullable(pidFile));
        }
    }

    @Command(name = "update", description = "Change a container's resource limits (--resources FILE or - for stdin, or flags).")
    static final class Update implements Callable<Integer> {
        @ParentCommand OciCommand oci;
        @Option(names = {"--resources", "-r"}, paramLabel = "FILE") String resources;
        @Option(names = {"--memory", "-m"}, paramLabel = "BYTES") Long memory;
        @Option(names = "--memory-swap", paramLabel = "BYTES") Long memorySwap;
        @Option(names = "--memory-reservation", paramLabel = "BYTES") Long memoryReservation;
        @Option(names = "--cpu-quota", paramLabel = "US") Long cpuQuota;
        @Option(names = "--cpu-period", paramLabel = "US") Long cpuPeriod;
        @Option(names = "--cpu-share", paramLabel = "N") Long cpuShares;
        @Option(names = "--cpuset-cpus", paramLabel = "LIST") String cpusetCpus;
        @Option(names = "--pids-limit", paramLabel = "N") Long pids;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws IOException {
            Limits limits;
            if (resources != null) {
                String text = resources.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(resources));
                JsonNode node = new ObjectMapper().readTree(text);
                limits = ExecReader.resources(node);
            } else {
                Limits.Builder b = Limits.builder();
                if (memory != null) b.memory(memory);
                if (memorySwap != null) b.memorySwap(memorySwap);
                if (memoryReservation != null) b.memoryReservation(memoryReservation);
                if (cpuQuota != null) b.cpu(new dev.isobench.engine.spec.CpuQuota(cpuQuota, cpuPeriod == null ? 100_000 : cpuPeriod));
                if (cpuShares != null) b.cpuShares(cpuShares);
                if (cpusetCpus != null) b.cpusetCpus(cpusetCpus);
                if (pids != null) b.pids(pids);
                limits = b.build();
            }
            oci.runtime().update(id, limits);
            return 0;
        }
    }

    @Command(name = "features", description = "What this runtime supports, as runc's features JSON.")
    static final class Features implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(RuntimeFeatures.json());
            return 0;
        }
    }

    @Command(name = "spec", description = "Write an example config.json into the bundle directory.")
    static final class Spec implements Callable<Integer> {
        @Option(names = {"--bundle", "-b"}, paramLabel = "DIR", defaultValue = ".") Path bundle;
        @Option(names = "--rootless") boolean rootless;

        @Override
        public Integer call() throws IOException {
            if (rootless) throw new EngineException("--rootless is not supported: the isobench engine needs root");
            Path file = bundle.resolve("config.json");
            if (Files.exists(file)) throw new EngineException("File " + file + " exists. Remove it first");
            Files.writeString(file, RuntimeFeatures.exampleConfig());
            return 0;
        }
    }

    /** Verbs clients may call that the engine has no mechanism for: a clear refusal, runc's exit code. */
    static final class Unsupported {
        private Unsupported() {}

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

}
