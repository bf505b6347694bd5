package dev.isobench.engine.spec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that defines a container before it exists. Immutable; build one with {@link #builder()}.
 *
 * @param name       optional name, unique among this engine's containers
 * @param image      image reference: a built-in ({@code probe}, {@code host}) or one in the store
 * @param command    argv of the first process; empty means the image's default
 * @param env        environment as {@code KEY=VALUE}, after the image's
 * @param hostname   hostname inside; empty means the container id
 * @param namespaces namespaces the container gets (the mount namespace always)
 * @param detached   whether the container outlives the caller (its monitor starts a new session)
 * @param ephemeral  removed when it exits ({@code run --rm}): nothing in its rootfs has to survive a crash, so an
 *                   overlay rootfs is mounted {@code volatile} and its teardown skips syncing the upper
 *                   filesystem (podman does the same for {@code --rm}, CRI-O for every container). Its monitor
 *                   writes no exit file (the owner reads the code from the status pipe), and gc counts it as a
 *                   leftover once its monitor is gone, whoever owns it
 * @param limits     cgroup limits, applied before the container's first instruction
 * @param cgroupsPath where its group goes, as OCI's {@code linux.cgroupsPath} says (absolute: from each
 *                   hierarchy's root; relative: under the engine's own); none: the engine's {@code isobench/<id>}
 * @param volumes    host paths and anonymous directories bound into the container
 * @param seccomp    the syscall filter (Docker's default profile unless told otherwise)
 * @param capAdd     capabilities added to Docker's default set ("ALL" for every one)
 * @param capDrop    capabilities removed from it ("ALL" for every one)
 * @param readOnly   whether the root filesystem is mounted read-only
 * @param userns     a user namespace with this id map, or none (root inside is root outside)
 * @param privileged every capability, no seccomp, no masked paths, every device: for comparison only
 * @param net        network mode, joined container, published ports, extra hosts
 * @param filesystem the mount table, masked and read-only paths and device nodes (the engine's own by default)
 * @param process    rlimits, OOM score, umask, no_new_privs, whole capability sets, a console socket
 * @param sysctl     kernel parameters of the container's namespaces ({@code net.ipv4.ip_forward}: "1")
 * @param joined     namespaces entered instead of made, by path ({@code /proc/PID/ns/net}, {@code /run/netns/X})
 * @param handOff    no monitor stays: the container is reparented to the caller's subreaper (conmon, a
 *                   containerd shim), which reaps it and hears its exit code, as under runc and crun
 */
public record ContainerSpec(Optional<String> name, String image, List<String> command, List<String> env,
                            String workdir, User user, Optional<String> hostname, Set<Namespace> namespaces,
                            RootfsMode rootfs, Stdio stdio, boolean detached, boolean ephemeral, Limits limits, Optional<String> cgroupsPath,
                            List<Volume> volumes, Seccomp seccomp,
                            List<String> capAdd, List<String> capDrop, boolean readOnly, Optional<IdMap> userns, boolean privileged,
                            Networking net, Filesystem filesystem, ProcessOptions process, Map<String, String> sysctl,
                            Map<Namespace, String> joined, boolean handOff) {
    public ContainerSpec {
        command = List.copyOf(command);
        env = List.copyOf(env);
        volumes = List.copyOf(volumes);
        capAdd = capAdd.stream().map(ContainerSpec::capName).toList();
        capDrop = capDrop.stream().map(ContainerSpec::capName).toList();
        namespaces = Set.copyOf(namespaces);
        if (!namespaces.contains(Namespace.MOUNT)) {
            throw new IllegalArgumentException("a container always has its own mount namespace (pivot_root needs it)");
        }
        if (!workdir.startsWith("/")) throw new IllegalArgumentException("--workdir must be absolute, got '" + workdir + "'");
        for (String e : env) {
            if (e.indexOf('=') <= 0) throw new IllegalArgumentException("--env takes KEY=VALUE, got '" + e + "'");
        }
        name.ifPresent(ContainerSpec::checkName);
        sysctl = Map.copyOf(sysctl);
        joined = Map.copyOf(joined);
        for (Namespace ns : joined.keySet()) {
            if (namespaces.contains(ns)) throw new IllegalArgumentException("the " + ns.procName() + " namespace is both new and joined (" + joined.get(ns) + ")");
        }
        if (net.mode().ownNamespace() != namespaces.contains(Namespace.NET)) {
            throw new IllegalArgumentException("--net " + net + " and the network namespace setting disagree");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public NetworkMode network() {
        return net.mode();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.image = image;
        b.command = new ArrayList<>(command);
        b.env = new ArrayList<>(env);
        b.workdir = workdir;
        b.user = user;
        b.hostname = hostname;
        b.namespaces = EnumSet.copyOf(namespaces);
        b.rootfs = rootfs;
        b.stdio = stdio;
        b.detached = detached;
        b.ephemeral = ephemeral;
        b.limits = limits;
        b.cgroupsPath = cgroupsPath;
        b.volumes = new ArrayList<>(volumes);
        b.seccomp = seccomp;
        b.capAdd = new ArrayList<>(capAdd);
        b.capDrop = new ArrayList<>(capDrop);
        b.readOnly = readOnly;
        b.userns = userns;
        b.privileged = privileged;
        b.net = net;
        b.filesystem = filesystem;
        b.process = process;
        b.sysctl = new TreeMap<>(sysctl);
        b.joined = new TreeMap<>(joined);
        b.handOff = handOff;
        return b;
    }

    /** Docker accepts "CAP_CHOWN" and "chown" alike. */
    private static String capName(String cap) {
        String n = cap.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "");
        if (!n.equals("ALL") && !Capabilities.NUMBERS.containsKey(n)) {
            throw new IllegalArgumentException("unknown capability '" + cap + "' (e.g. NET_ADMIN, SYS_PTRACE, or ALL)");
        }
        return n;
    }

    private static void checkName(String name) {
        // 128 characters: the 64-hex-digit ids Docker, podman and containerd give their runtime are names here
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,127}")) {
            throw new IllegalArgumentException("--name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]* (at most 128 characters), got '" + name + "'");
        }
    }

    /** A fluent builder with docker's defaults: all namespaces, overlay rootfs, root user, workdir /. */
    public static final class Builder {
        private Optional<String> name = Optional.empty();
        private String image = "probe";
        private List<String> command = new ArrayList<>();
        private List<String> env = new ArrayList<>();
        private String workdir = "/";
        private User user = User.ROOT;
        private Optional<String> hostname = Optional.empty();
        private EnumSet<Namespace> namespaces = EnumSet.allOf(Namespace.class);
        private RootfsMode rootfs = RootfsMode.OVERLAY;
        private Stdio stdio = Stdio.INHERIT;
        private boolean detached;
        private boolean ephemeral;
        private Limits limits = Limits.NONE;
        private List<Volume> volumes = new ArrayList<>();
        private Seccomp seccomp = Seccomp.DEFAULT;
        private List<String> capAdd = new ArrayList<>();
        private List<String> capDrop = new ArrayList<>();
        private boolean readOnly;
        private Optional<IdMap> userns = Optional.empty();
        private boolean privileged;
        private Networking net = Networking.NONE;
        private Filesystem filesystem = Filesystem.DEFAULT;
        private ProcessOptions process = ProcessOptions.DEFAULT;
        private Map<String, String> sysctl = new TreeMap<>();
        private Optional<String> cgroupsPath = Optional.empty();
        private Map<Namespace, String> joined = new TreeMap<>();
        private boolean handOff;

        public Builder name(String name) { this.name = Optional.ofNullable(name); return this; }
        public Builder image(String image) { this.image = image; return this; }
        public Builder command(String... argv) { this.command = new ArrayList<>(List.of(argv)); return this; }
        public Builder command(List<String> argv) { this.command = new ArrayList<>(argv); return this; }
        public Builder env(String keyValue) { this.env.add(keyValue); return this; }
        public Builder workdir(String workdir) { this.workdir = workdir; return this; }
        public Builder user(User user) { this.user = user; return this; }
        public Builder hostname(String hostname) { this.hostname = Optional.ofNullable(hostname); return this; }
        public Builder rootfs(RootfsMode rootfs) { this.rootfs = rootfs; return this; }
        public Builder stdio(Stdio stdio) { this.stdio = stdio; return this; }
        public Builder detached(boolean detached) { this.detached = detached; return this; }
        public Builder ephemeral(boolean ephemeral) { this.ephemeral = ephemeral; return this; }
        public Builder limits(Limits limits) { this.limits = limits; return this; }
        public Builder cgroupsPath(String path) { this.cgroupsPath = Optional.ofNullable(path).filter(p -> !p.isEmpty()); return this; }
        public Builder volume(Volume volume) { this.volumes.add(volume); return this; }
        public Builder seccomp(Seccomp seccomp) { this.seccomp = seccomp; return this; }
        public Builder capAdd(String cap) { this.capAdd.add(cap); return this; }
        public Builder capDrop(String cap) { this.capDrop.add(cap); return this; }
        public Builder readOnly(boolean readOnly) { this.readOnly = readOnly; return this; }
        public Builder userns(IdMap map) { this.userns = Optional.ofNullable(map); return this; }
        public Builder privileged(boolean privileged) { this.privileged = privileged; return this; }
        public Builder filesystem(Filesystem filesystem) { this.filesystem = filesystem; return this; }
        public Builder process(ProcessOptions process) { this.process = process; return this; }
        public Builder sysctl(String key, String value) { this.sysctl.put(key, value); return this; }
        public Builder handOff(boolean handOff) { this.handOff = handOff; return this; }

        /** Enters an existing namespace instead of making one: its path, {@code /proc/PID/ns/net} and the like. */
        public Builder joinNamespace(Namespace ns, String path) {
            withoutNamespace(ns);
            joined.put(ns, path);
            return this;
        }

        public Builder network(NetworkMode mode) {
            if (mode == NetworkMode.CONTAINER) throw new IllegalArgumentException("use joinNetwork(ID) to join another container's network");
            return network(new Networking(mode, Optional.empty(), net.ports(), net.extraHosts()));
        }

        public Builder network(Networking networking) {
            this.net = networking;
            if (networking.mode().ownNamespace()) namespaces.add(Namespace.NET);
            else namespaces.remove(Namespace.NET);
            return this;
        }

        public Builder joinNetwork(String container) {
            return network(new Networking(NetworkMode.CONTAINER, Optional.of(container), List.of(), net.extraHosts()));
        }

        public Builder publish(PortMapping port) {
            List<PortMapping> ports = new ArrayList<>(net.ports());
            ports.add(port);
            this.net = net.withPorts(ports);
            return this;
        }

        public Builder addHost(HostEntry host) {
            List<HostEntry> hosts = new ArrayList<>(net.extraHosts());
            hosts.add(host);
            this.net = net.withExtraHosts(hosts);
            return this;
        }

        /** A network namespace of its own without a mode says {@code none}; sharing one without a mode, {@code host}. */
        public Builder withNamespace(Namespace ns) {
            namespaces.add(ns);
            if (ns == Namespace.NET && !net.mode().ownNamespace()) net = new Networking(NetworkMode.NONE, Optional.empty(), List.of(), net.extraHosts());
            return this;
        }

        public Builder withoutNamespace(Namespace ns) {
            namespaces.remove(ns);
            if (ns == Namespace.NET && net.mode().ownNamespace()) net = new Networking(NetworkMode.HOST, Optional.empty(), List.of(), net.extraHosts());
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(name, image, command, env, workdir, user, hostname, namespaces, rootfs, stdio, detached, ephemeral, limits, cgroupsPath, volumes, seccomp,
                    capAdd, capDrop, readOnly, userns, privileged, net, filesystem, process, sysctl, joined, handOff);
        }
    }
}
