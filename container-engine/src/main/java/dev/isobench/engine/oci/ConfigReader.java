package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.Json.bool;
import static dev.isobench.engine.oci.Json.error;
import static dev.isobench.engine.oci.Json.number;
import static dev.isobench.engine.oci.Json.objects;
import static dev.isobench.engine.oci.Json.only;
import static dev.isobench.engine.oci.Json.requiredText;
import static dev.isobench.engine.oci.Json.strings;
import static dev.isobench.engine.oci.Json.text;
import static dev.isobench.engine.oci.Json.unsupported;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.cgroup.DeviceRules;
import dev.isobench.engine.spec.CapabilitySets;
import dev.isobench.engine.spec.Capabilities;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.CpuQuota;
import dev.isobench.engine.spec.Device;
import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.DeviceRule;
import dev.isobench.engine.spec.Filesystem;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Mount;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.ProcessOptions;
import dev.isobench.engine.spec.Rlimit;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads an OCI runtime-spec {@code config.json} (1.x) into the engine's {@link ContainerSpec}: what real
 * clients emit (podman, Docker, containerd) maps onto the engine's own primitives, and anything the engine
 * cannot honour is refused with the field's path, never skipped.
 */
public final class ConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Namespace> NAMESPACES = Map.of("pid", Namespace.PID, "network", Namespace.NET,
            "mount", Namespace.MOUNT, "ipc", Namespace.IPC, "uts", Namespace.UTS, "cgroup", Namespace.CGROUP);

    private ConfigReader() {}

    /**
     * @param id            the container's id, which becomes its engine name
     * @param consoleSocket where the pty master goes when {@code process.terminal} is set
     * @param noPivot       {@code --no-pivot}: chroot instead of pivot_root
     */
    public static Bundle read(Path bundleDir, String id, Optional<String> consoleSocket, boolean noPivot) {
        Path dir = bundleDir.toAbsolutePath().normalize();
        Path file = dir.resolve("config.json");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new EngineException("bundle " + dir + " has no config.json (runc spec writes an example one)");
        } catch (JsonProcessingException e) {
            throw new EngineException(file + " is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new EngineException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new EngineException(file + " must hold a JSON object");
        return read(dir, root, id, consoleSocket, noPivot);
    }

    static Bundle read(Path dir, JsonNode c, String id, Optional<String> consoleSocket, boolean noPivot) {
        String version = requiredText(c, "", "ociVersion");
        if (!version.startsWith("1.")) {
            throw error("ociVersion", "'" + version + "' is not a 1.x runtime spec; this runtime reads 1.0 to 1.2");
        }
        only(c, "", Set.of("ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks", "annotations", "linux"));
        JsonNode linux = c.path("linux");
        if (c.path("process").isMissingNode()) throw error("process", "is required (create starts the container's process)");
        List<String> warnings = new ArrayList<>();
        ContainerSpec.Builder b = ContainerSpec.builder().name(id).detached(true).handOff(true).stdio(Stdio.INHERIT.withStdin());
        Path rootfs = rootfs(dir, c.path("root"), b);
        b.image(rootfs.toString()).rootfs(RootfsMode.IN_PLACE);
        namespaces(linux, b);
        ProcessOptions process = process(c.path("process"), b, consoleSocket, warnings);
        b.process(process);
        String domain = text(c, "", "domainname", "");
        if (!domain.isEmpty()) b.sysctl("kernel.domainname", domain);
        b.hostname(text(c, "", "hostname", hostHostname()));
        b.filesystem(filesystem(c, linux, noPivot));
        linuxRest(linux, b);
        ContainerSpec spec = b.build();
        checkSysctls(spec);
        return new Bundle(dir, version, spec, hooks(c.path("hooks")), annotations(c.path("annotations")), warnings);
    }

    private static Path rootfs(Path dir, JsonNode root, ContainerSpec.Builder b) {
        if (root.isMissingNode()) throw error("root", "is required (the container's root directory)");
        only(root, "root", Set.of("path", "readonly"));
        Path path = dir.resolve(requiredText(root, "root", "path")).normalize();
        if (!Files.isDirectory(path)) throw error("root.path", path + " does not exist or is not a directory");
        b.readOnly(bool(root, "root", "readonly"));
        return path;
    }

    private static ProcessOptions process(JsonNode p, ContainerSpec.Builder b, Optional<String> consoleSocket, List<String> warnings) {
        only(p, "process", Set.of("terminal", "consoleSize", "user", "args", "env", "cwd", "capabilities", "rlimits",
                "noNewPrivileges", "oomScoreAdj", "apparmorProfile", "selinuxLabel"));
        unsupported(p, "process", "apparmorProfile", "AppArmor profiles are not loaded by the isobench engine");
        unsupported(p, "process", "selinuxLabel", "SELinux labels are not set by the isobench engine");
        List<String> args = strings(p, "process", "args");
        if (args.isEmpty()) throw error("process.args", "is required and must name a program");
        b.command(args);
        strings(p, "process", "env").forEach(e -> {
            if (e.indexOf('=') <= 0) throw error("process.env", "'" + e + "' is not KEY=VALUE");
            b.env(e);
        });
        String cwd = requiredText(p, "process", "cwd");
        if (!cwd.startsWith("/")) throw error("process.cwd", "must be absolute, got '" + cwd + "'");
        b.workdir(cwd);
        JsonNode user = p.path("user");
        b.user(user(user));
        Long umask = number(user, "process.user", "umask");
        boolean terminal = bool(p, "process", "terminal");
        if (terminal && consoleSocket.isEmpty()) {
            throw new EngineException("cannot allocate tty if runc will detach without setting console socket (process.terminal is true: pass --console-socket)");
        }
        if (!terminal && consoleSocket.isPresent()) throw new EngineException("--console-socket is given but process.terminal is false");
        Long oom = number(p, "process", "oomScoreAdj");
        return new ProcessOptions(rlimits(p), oom == null ? OptionalInt.empty() : OptionalInt.of(oom.intValue()),
                umask == null ? OptionalInt.empty() : OptionalInt.of(umask.intValue()), bool(p, "process", "noNewPrivileges"),
                Optional.of(capabilities(p.path("capabilities"), "process.capabilities", warnings)), true, consoleSocket);
    }

    /** {@code process.user}: uid, gid and additional gids (umask is the caller's to read). */
    static User user(JsonNode user) {
        only(user, "process.user", Set.of("uid", "gid", "umask", "additionalGids", "username"));
        List<Integer> groups = new ArrayList<>();
        for (JsonNode g : objects(user, "process.user", "additionalGids")) groups.add(g.asInt());
        Long uid = number(user, "process.user", "uid");
        Long gid = number(user, "process.user", "gid");
        return new User(uid == null ? 0 : uid.intValue(), gid == null ? 0 : gid.intValue(), groups);
    }

    /** {@code process.rlimits}. */
    static List<Rlimit> rlimits(JsonNode p) {
        List<Rlimit> rlimits = new ArrayList<>();
        List<JsonNode> limits = objects(p, "process", "rlimits");
        for (int i = 0; i < limits.size(); i++) {
            String at = "process.rlimits[" + i + "]";
            only(limits.get(i), at, Set.of("type", "soft", "hard"));
            try {
                rlimits.add(Rlimit.of(requiredText(limits.get(i), at, "type"), limits.get(i).path("soft").asLong(), limits.get(i).path("hard").asLong()));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return rlimits;
    }

    /** The five sets; one left out is empty, as the spec says. A name this kernel's list lacks is skipped with a warning, as runc does. */
    static CapabilitySets capabilities(JsonNode caps, String path, List<String> warnings) {
        only(caps, path, Set.of("bounding", "effective", "permitted", "inheritable", "ambient"));
        long[] m = new long[5];
        String[] sets = {"bounding", "effective", "permitted", "inheritable", "ambient"};
        for (int i = 0; i < 5; i++) {
            for (String name : strings(caps, path, sets[i])) {
                Integer bit = Capabilities.NUMBERS.get(name.replaceFirst("^CAP_", ""));
                if (bit == null) {
                    String w = path + "." + sets[i] + ": unknown capability '" + name + "' skipped";
                    if (!warnings.contains(w)) warnings.add(w);
                    continue;
                }
                m[i] |= 1L << bit;
            }
        }
        return new CapabilitySets(m[0], m[1], m[2], m[3], m[4]);
    }

    private static void namespaces(JsonNode linux, ContainerSpec.Builder b) {
        EnumSet<Namespace> made = EnumSet.noneOf(Namespace.class);
        Map<Namespace, String> joined = new LinkedHashMap<>();
        boolean user = false;
        List<JsonNode> list = objects(linux, "linux", "namespaces");
        for (int i = 0; i < list.size(); i++) {
            String at = "linux.namespaces[" + i + "]";
            only(list.get(i), at, Set.of("type", "path"));
            String type = requiredText(list.get(i), at, "type");
            String path = text(list.get(i), at, "path", "");
            if (type.equals("user")) {
                if (!path.isEmpty()) throw error(at + ".path", "joining a user namespace is not supported by the isobench engine");
                user = true;
                continue;
            }
            Namespace ns = NAMESPACES.get(type);
            if (ns == null) throw error(at + ".type", "'" + type + "' is not a namespace the isobench engine makes (pid, network, mount, ipc, uts, cgroup, user)");
            if (made.contains(ns) || joined.containsKey(ns)) throw error(at + ".type", "the " + type + " namespace is listed twice");
            if (path.isEmpty()) {
                made.add(ns);
            } else {
                if (ns == Namespace.MOUNT) throw error(at + ".path", "joining a mount namespace is not supported (the engine pivots into the bundle's root)");
                if (!Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw error(at + ".path", path + " does not exist");
                joined.put(ns, path);
            }
        }
        if (!made.contains(Namespace.MOUNT)) {
            throw error("linux.namespaces", "must include a new mount namespace: the isobench engine always pivots into its own");
        }
        b.network(made.contains(Namespace.NET) ? NetworkMode.NONE : NetworkMode.HOST);
        for (Namespace ns : Namespace.values()) {
            if (joined.containsKey(ns)) b.joinNamespace(ns, joined.get(ns));
            else if (made.contains(ns)) b.withNamespace(ns);
            else b.withoutNamespace(ns);
        }
        if (user) {
            b.userns(idMap(linux));
        } else if (Json.asksForSomething(linux.path("uidMappings")) || Json.asksForSomething(linux.path("gidMappings"))) {
            throw error("linux.uidMappings", "id mappings need a user namespace in linux.namespaces");
        }
    }

    /** One range from container id 0, the same for users and groups: the engine's user namespace shape. */
    private static IdMap idMap(JsonNode linux) {
        List<JsonNode> uids = objects(linux, "linux", "uidMappings");
        List<JsonNode> gids = objects(linux, "linux", "gidMappings");
        if (uids.size() != 1 || gids.size() != 1) {
            throw error("linux.uidMappings", "the isobench engine maps one range of ids (got " + uids.size() + " uid and " + gids.size() + " gid ranges)");
        }
        long[] u = mapping(uids.get(0), "linux.uidMappings[0]");
        long[] g = mapping(gids.get(0), "linux.gidMappings[0]");
        if (u[0] != 0 || u[1] != g[1] || u[2] != g[2] || g[0] != 0) {
            throw error("linux.uidMappings", "the isobench engine maps container ids from 0, the same range for users and groups");
        }
        return new IdMap(u[1], u[2]);
    }

    private static long[] mapping(JsonNode m, String at) {
        only(m, at, Set.of("containerID", "hostID", "size"));
        Long c = number(m, at, "containerID");
        Long h = number(m, at, "hostID");
        Long s = number(m, at, "size");
        if (c == null || h == null || s == null) throw error(at, "needs containerID, hostID and size");
        return new long[] {c, h, s};
    }

    private static Filesystem filesystem(JsonNode c, JsonNode linux, boolean noPivot) {
        List<Mount> mounts = new ArrayList<>();
        List<JsonNode> list = objects(c, "", "mounts");
        for (int i = 0; i < list.size(); i++) {
            String at = "mounts[" + i + "]";
            JsonNode m = list.get(i);
            only(m, at, Set.of("destination", "type", "source", "options"));
            String destination = requiredText(m, at, "destination");
            List<String> options = strings(m, at, "options");
            String type = text(m, at, "type", "");
            if (type.isEmpty() && !options.contains("bind") && !options.contains("rbind")) {
                throw error(at + ".type", "is required unless the options say bind or rbind");
            }
            try {
                mounts.add(new Mount(destination, type, text(m, at, "source", ""), options));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        List<Device> devices = new ArrayList<>();
        List<JsonNode> devs = objects(linux, "linux", "devices");
        for (int i = 0; i < devs.size(); i++) {
            String at = "linux.devices[" + i + "]";
            JsonNode d = devs.get(i);
            only(d, at, Set.of("type", "path", "major", "minor", "fileMode", "uid", "gid"));
            String type = requiredText(d, at, "type");
            Long mode = number(d, at, "fileMode");
            Long uid = number(d, at, "uid");
            Long gid = number(d, at, "gid");
            try {
                devices.add(new Device(requiredText(d, at, "path"), type.charAt(0), d.path("major").asLong(), d.path("minor").asLong(),
                        mode == null ? 0666 : mode.intValue(), uid == null ? 0 : uid.intValue(), gid == null ? 0 : gid.intValue()));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return new Filesystem(Optional.of(mounts), Optional.of(strings(linux, "linux", "maskedPaths")),
                Optional.of(strings(linux, "linux", "readonlyPaths")), devices, noPivot);
    }

    private static void linuxRest(JsonNode linux, ContainerSpec.Builder b) {
        only(linux, "linux", Set.of("namespaces", "uidMappings", "gidMappings", "devices", "cgroupsPath", "resources", "sysctl",
                "seccomp", "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel", "intelRdt", "personality", "timeOffsets"));
        unsupported(linux, "linux", "mountLabel", "SELinux mount labels are not set by the isobench engine");
        unsupported(linux, "linux", "intelRdt", "Intel RDT is not configured by the isobench engine");
        unsupported(linux, "linux", "personality", "execution domains are not set by the isobench engine");
        unsupported(linux, "linux", "timeOffsets", "time namespaces are not made by the isobench engine");
        String propagation = text(linux, "linux", "rootfsPropagation", "");
        if (!propagation.isEmpty() && !propagation.equals("private") && !propagation.equals("rprivate")) {
            throw error("linux.rootfsPropagation", "'" + propagation + "' is not supported: the engine makes every mount of the container private");
        }
        JsonNode sysctl = linux.path("sysctl");
        if (Json.asksForSomething(sysctl) && !sysctl.isObject()) throw error("linux.sysctl", "must be an object of names to values");
        for (String key : iterable(sysctl)) {
            if (key.contains("/") || key.contains("..")) throw error("linux.sysctl." + key, "is not a sysctl name");
            b.sysctl(key, sysctl.path(key).asText());
        }
        b.limits(resources(linux.path("resources"), "linux.resources", b::privileged));
        JsonNode seccomp = linux.path("seccomp");
        if (seccomp.isMissingNode() || seccomp.isNull()) {
            b.seccomp(Seccomp.UNCONFINED);
        } else {
            unsupported(seccomp, "linux.seccomp", "listenerPath", "seccomp notify listeners are not supported by the isobench engine");
            unsupported(seccomp, "linux.seccomp", "flags", "seccomp filter flags are not supported by the isobench engine");
            try {
                b.seccomp(Seccomp.fromDockerProfile("config.json", seccomp.toString()));
            } catch (IllegalArgumentException | EngineException e) {
                throw error("linux.seccomp", e.getMessage());
            }
        }
    }

    /**
     * {@code linux.resources} as the engine's limits. A device rule list is honoured when it is the default
     * allow-list (deny all, then the usual nodes) or allows every device ({@code onAllDevices}).
     */
    static Limits resources(JsonNode r, String path, Consumer<Boolean> onAllDevices) {
        only(r, path, Set.of("devices", "memory", "cpu", "pids", "blockIO"));
        Limits.Builder l = Limits.builder();
        l.deviceRules(devices(r, path, onAllDevices));
        JsonNode mem = r.path("memory");
        only(mem, path + ".memory", Set.of("limit", "reservation", "swap", "useHierarchy", "checkBeforeUpdate"));
        Long limit = number(mem, path + ".memory", "limit");
        if (limit != null && limit > 0) l.memory(limit);
        Long reservation = number(mem, path + ".memory", "reservation");
        if (reservation != null && reservation > 0) l.memoryReservation(reservation);
        Long swap = number(mem, path + ".memory", "swap");
        if (swap != null && swap != 0) l.memorySwap(swap);
        JsonNode cpu = r.path("cpu");
        only(cpu, path + ".cpu", Set.of("shares", "quota", "period", "cpus"));
        Long shares = number(cpu, path + ".cpu", "shares");
        if (shares != null && shares > 0) l.cpuShares(shares);
        Long quota = number(cpu, path + ".cpu", "quota");
        Long period = number(cpu, path + ".cpu", "period");
        try {
            if (quota != null && quota > 0) l.cpu(new CpuQuota(quota, period == null || period == 0 ? CpuQuota.DEFAULT_PERIOD : period));
        } catch (IllegalArgumentException e) {
            throw error(path + ".cpu", e.getMessage());
        }
        String cpus = text(cpu, path + ".cpu", "cpus", "");
        if (!cpus.isEmpty()) l.cpusetCpus(cpus);
        JsonNode pids = r.path("pids");
        only(pids, path + ".pids", Set.of("limit"));
        Long max = number(pids, path + ".pids", "limit");
        if (max != null && max > 0) l.pids(max);
        JsonNode io = r.path("blockIO");
        only(io, path + ".blockIO", Set.of("throttleReadBpsDevice", "throttleWriteBpsDevice"));
        l.readBps(rates(io, path + ".blockIO", "throttleReadBpsDevice"));
        l.writeBps(rates(io, path + ".blockIO", "throttleWriteBpsDevice"));
        return l.build();
    }

    /**
     * The rules after the engine's default list (Docker's), in order; the leading deny-all and the rules the default
     * list already holds add nothing. Allowing every device ({@code a}) is {@code onAllDevices}.
     */
    private static List<DeviceRule> devices(JsonNode r, String path, Consumer<Boolean> onAllDevices) {
        List<DeviceRule> out = new ArrayList<>();
        List<JsonNode> rules = objects(r, path, "devices");
        for (int i = 0; i < rules.size(); i++) {
            String at = path + ".devices[" + i + "]";
            JsonNode d = rules.get(i);
            only(d, at, Set.of("allow", "type", "major", "minor", "access"));
            String type = text(d, at, "type", "a");
            String access = text(d, at, "access", "rwm");
            Long major = number(d, at, "major");
            Long minor = number(d, at, "minor");
            boolean everyDevice = type.equals("a") && major == null && minor == null;
            String rule = type + " " + (major == null || major < 0 ? "*" : major) + ":" + (minor == null || minor < 0 ? "*" : minor) + " " + access;
            boolean allow = bool(d, at, "allow");
            if (everyDevice && !allow && out.isEmpty()) continue; // deny all first: where the engine starts
            if (everyDevice && allow) {
                onAllDevices.accept(true);
                continue;
            }
            if (allow && DeviceRules.allowedByDefault(rule)) continue;
            try {
                out.add(new DeviceRule(allow, everyDevice ? "a" : rule));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return out;
    }

    private static List<DeviceRate> rates(JsonNode io, String path, String field) {
        List<DeviceRate> out = new ArrayList<>();
        for (JsonNode d : objects(io, path, field)) {
            only(d, path + "." + field, Set.of("major", "minor", "rate"));
            out.add(new DeviceRate(d.path("major").asInt(), d.path("minor").asInt(), d.path("rate").asLong()));
        }
        return out;
    }

    private static Hooks hooks(JsonNode h) {
        only(h, "hooks", Set.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"));
        unsupported(h, "hooks", "createContainer", "hooks that run inside the container's namespaces are not supported by the isobench engine");
        unsupported(h, "hooks", "startContainer", "hooks that run inside the container's namespaces are not supported by the isobench engine");
        return new Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"), hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static List<Hook> hookList(JsonNode h, String phase) {
        List<Hook> out = new ArrayList<>();
        List<JsonNode> list = objects(h, "hooks", phase);
        for (int i = 0; i < list.size(); i++) {
            String at = "hooks." + phase + "[" + i + "]";
            only(list.get(i), at, Set.of("path", "args", "env", "timeout"));
            Long timeout = number(list.get(i), at, "timeout");
            if (timeout != null && timeout <= 0) throw error(at + ".timeout", "must be above 0 seconds, got " + timeout);
            try {
                out.add(new Hook(requiredText(list.get(i), at, "path"), strings(list.get(i), at, "args"), strings(list.get(i), at, "env"),
                        timeout == null ? 0 : timeout.intValue()));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return out;
    }

    private static Map<String, String> annotations(JsonNode a) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : iterable(a)) out.put(k, a.path(k).asText());
        return out;
    }

    private static List<String> iterable(JsonNode node) {
        List<String> keys = new ArrayList<>();
        if (node.isObject()) node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /**
     * A sysctl is written inside the container, so it must belong to a namespace the container does not share with
     * the host (runc's rule): IPC ones to an IPC namespace, net.* to a network one, hostname and domainname to a UTS
     * one; any other is the host's own and is refused.
     */
    static void checkSysctls(ContainerSpec spec) {
        for (String key : spec.sysctl().keySet()) {
            Namespace needs;
            if (key.startsWith("net.")) needs = Namespace.NET;
            else if (key.startsWith("fs.mqueue.") || List.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                    "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced").contains(key)) needs = Namespace.IPC;
            else if (key.equals("kernel.hostname")) throw error("linux.sysctl." + key, "is refused: the config's hostname field sets it");
            else if (key.equals("kernel.domainname")) needs = Namespace.UTS;
            else throw error("linux.sysctl." + key, "is not namespaced: writing it would change the host's value");
            if (!spec.namespaces().contains(needs) && !spec.joined().containsKey(needs)) {
                throw error("linux.sysctl." + key, "needs a " + needs.procName() + " namespace of the container's own (it would change the host's value)");
            }
        }
    }

    /** What a new UTS namespace starts with when the config names no hostname: the host's. */
    private static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
