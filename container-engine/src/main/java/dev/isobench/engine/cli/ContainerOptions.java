package dev.isobench.engine.cli;

import dev.isobench.engine.Engine;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.sys.EngineException;

import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.HostEntry;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.Networking;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.spec.Volume;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The flags that describe a container, shared by {@code run} and {@code create}. */
final class ContainerOptions {
    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--name", paramLabel = "NAME", description = "Assign a name to the container.")
    String name;

    /** The image when no --image names one and the first argument is a command's absolute path (as before images were positional). */
    static final String DEFAULT_IMAGE = "probe";

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "Image to run, instead of the first argument: probe (the static probe only), host (host binaries, read-only), or an imported or built one.")
    String image;

    @Option(names = {"-h", "--hostname"}, paramLabel = "NAME", description = "Container host name (default: the id).")
    String hostname;

    @Option(names = {"--net", "--network"}, paramLabel = "MODE", defaultValue = "bridge",
            description = "Network: bridge (veth on isobench0, 10.88.0.0/16, no route out), none (lo only), host, or container:ID."
                    + " Default: ${DEFAULT-VALUE}.")
    String net;

    @Option(names = {"-p", "--publish"}, paramLabel = "HOSTPORT:CTRPORT", description = "Publish a container TCP port on 127.0.0.1 (repeatable).")
    List<String> publish = new ArrayList<>();

    @Option(names = "--add-host", paramLabel = "NAME:IP", description = "Add a line to the container's /etc/hosts (repeatable).")
    List<String> addHosts = new ArrayList<>();

    @Option(names = "--pid", paramLabel = "MODE", description = "PID namespace: 'host' shares the host's.")
    String pid;

    @Option(names = "--ipc", paramLabel = "MODE", description = "IPC namespace: 'host' shares the host's.")
    String ipc;

    @Option(names = "--uts", paramLabel = "MODE", description = "UTS namespace: 'host' shares the host's.")
    String uts;

    @Option(names = "--cgroupns", paramLabel = "MODE", description = "cgroup namespace: private (default) or host.")
    String cgroupns;

    @Option(names = "--rootfs", paramLabel = "MODE", defaultValue = "overlay",
            description = "Root filesystem: overlay (copy-on-write), copy (full copy) or reflink (btrfs/xfs). Default: ${DEFAULT-VALUE}.")
    String rootfs;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", defaultValue = "/", description = "Working directory inside.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "Numeric user and group to run as.")
    String user;

    @Option(names = {"-v", "--volume"}, paramLabel = "HOST:CTR[:ro]", description = "Bind a host path, or make an anonymous volume at CTR (repeatable).")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--security-opt", paramLabel = "seccomp=PROFILE", description = "seccomp=unconfined|default|noop:N|FILE.json (Docker JSON profile; default: default).")
    List<String> securityOpts = new ArrayList<>();

    @Option(names = "--cap-add", paramLabel = "CAP", description = "Add a capability to Docker's default set (repeatable; ALL for all).")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", description = "Drop a capability (repeatable; ALL for all).")
    List<String> capDrop = new ArrayList<>();

    @Option(names = "--read-only", description = "Mount the container's root filesystem read-only.")
    boolean readOnly;

    @Option(names = "--privileged", description = "Every capability, no seccomp, no masked paths, every device: for comparison only.")
    boolean privileged;

    @Option(names = "--userns", description = "Own user namespace: root inside is host uid 100000 (see --userns-map).")
    boolean userns;

    @Option(names = "--userns-map", paramLabel = "HOSTBASE[:SIZE]",
            description = "Map container ids 0..SIZE-1 to host ids from HOSTBASE (default 100000:65536); implies --userns.")
    String usernsMap;

    @CommandLine.Mixin
    LimitOptions limits;

    @Parameters(paramLabel = "IMAGE [COMMAND [ARG...]]", arity = "0..*", description = {"The image, then the command and its arguments"
            + " (default: the image's), as docker run takes them. Without --image, an absolute path first is a command in the probe image:"
            + " 'run --rm -- /probe true'."})
    List<String> args = new ArrayList<>();

    /** The image: --image, else the first argument unless it is an absolute path (a command), else probe. */
    String image() {
        if (image != null) return image;
        return args.isEmpty() || args.get(0).startsWith("/") ? DEFAULT_IMAGE : args.get(0);
    }

    /** Whether the image came from the first argument, where a typo'd command would read as an image. */
    boolean imageFromArgument() {
        return image == null && !args.isEmpty() && !args.get(0).startsWith("/");
    }

    List<String> command() {
        return withoutSeparator(imageFromArgument() ? args.subList(1, args.size()) : args);
    }

    /**
     * A command without the "--" that may follow the image or the container: options end at the first argument (as
     * docker's), so a "--" after it is not picocli's to take, but it still means "the command follows".
     */
    static List<String> withoutSeparator(List<String> command) {
        return !command.isEmpty() && command.get(0).equals("--") ? command.subList(1, command.size()) : command;
    }

    /** Creates the container; an unknown image read from the first argument says how a command is given instead. */
    Container create(Engine engine, ContainerSpec spec) {
        try {
            return engine.create(spec);
        } catch (EngineException e) {
            if (!imageFromArgument() || !e.getMessage().startsWith("no such image")) throw e;
            throw new EngineException(e.getMessage() + "; the first argument is the image, as docker run's: a command in the probe"
                    + " image is given by its absolute path ('run -- /probe true') or after --image probe", e);
        }
    }

    ContainerSpec.Builder toSpec() {
        ContainerSpec.Builder b = ContainerSpec.builder().name(name).image(image()).hostname(hostname).command(command())
                .workdir(workdir).network(Networking.parse(net)).rootfs(choice("--rootfs", rootfs, RootfsMode.class));
        publish.forEach(port -> b.publish(PortMapping.parse(port)));
        addHosts.forEach(h -> b.addHost(HostEntry.parse(h)));
        if (user != null) b.user(User.parse(user));
        b.limits(limits.toLimits());
        volumes.forEach(v -> b.volume(Volume.parse(v)));
        capAdd.forEach(b::capAdd);
        capDrop.forEach(b::capDrop);
        b.readOnly(readOnly).privileged(privileged);
        if (usernsMap != null) b.userns(IdMap.parse(usernsMap));
        else if (userns) b.userns(IdMap.DEFAULT);
        for (String o : securityOpts) {
            if (!o.startsWith("seccomp=")) throw new IllegalArgumentException("--security-opt supports seccomp=... only, got '" + o + "'");
            b.seccomp(Seccomp.parse(o.substring("seccomp=".length())));
        }
        env.forEach(b::env);
        shareIfHost(b, "--pid", pid, Namespace.PID);
        shareIfHost(b, "--ipc", ipc, Namespace.IPC);
        shareIfHost(b, "--uts", uts, Namespace.UTS);
        if (cgroupns != null && !cgroupns.equals("private")) shareIfHost(b, "--cgroupns", cgroupns, Namespace.CGROUP);
        return b;
    }

    private static void shareIfHost(ContainerSpec.Builder b, String flag, String value, Namespace ns) {
        if (value == null) return;
        if (!value.equals("host")) throw new IllegalArgumentException(flag + " accepts only 'host', got '" + value + "'");
        b.withoutNamespace(ns);
    }

    static <E extends Enum<E>> E choice(String flag, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) return e;
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase());
        throw new IllegalArgumentException(flag + " must be one of " + String.join(", ", names) + "; got '" + value + "'");
    }
}
