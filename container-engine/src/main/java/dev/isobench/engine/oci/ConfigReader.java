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
import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.plan.MountOptions;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Device;
import dev.isobench.engine.spec.Filesystem;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Mount;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.ProcessOptions;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
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
import java.util.Set;

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
        ProcessOptions process = ProcessSection.process(c.path("process"), b, consoleSocket, warnings);
        b.process(process);
        String domain = text(c, "", "domainname", "");
        if (!domain.isEmpty()) b.sysctl("kernel.domainname", domain);
        b.hostname(text(c, "", "hostname", hostHostname()));
        b.filesystem(filesystem(c, linux, noPivot));
        linuxRest(linux, b, warnings);
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

    /** The OCI name of a namespace type (a CLONE_NEW* flag). */
    private static String namespaceName(int cloneFlag) {
        if (cloneFlag == 0x10000000) return "user";
        if (cloneFlag == 0x00000080) return "time";
        return NAMESPACES.entrySet().stream().filter(e -> e.getValue().cloneFlag() == cloneFlag).map(Map.Entry::getKey).findFirst()
                .orElse("0x" + Integer.toHexString(cloneFlag));
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
                int actual = Native.namespaceType(path);
                if (actual != ns.cloneFlag()) {
                    throw error(at + ".path", path + (actual == -1 ? " is not a namespace file" : " is " + (namespaceName(actual).matches("[aeiou].*") ? "an " : "a ") + namespaceName(actual) + " namespace")
                            + ", not the " + type + " namespace its entry declares");
                }
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

    /** The uid and gid ranges, as many as the kernel takes, each as the config gives it. */
    private static IdMap idMap(JsonNode linux) {
        List<IdMap.Range> uids = ranges(linux, "uidMappings");
        List<IdMap.Range> gids = ranges(linux, "gidMappings");
        try {
            return new IdMap(uids, gids);
        } catch (IllegalArgumentException e) {
            throw error("linux.uidMappings", e.getMessage());
        }
    }

    private static List<IdMap.Range> ranges(JsonNode linux, String field) {
        List<IdMap.Range> out = new ArrayList<>();
        List<JsonNode> list = objects(linux, "linux", field);
        for (int i = 0; i < list.size(); i++) {
            String at = "linux." + field + "[" + i + "]";
            long[] m = mapping(list.get(i), at);
            try {
                out.add(new IdMap.Range(m[0], m[1], m[2]));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return out;
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
        String propagation = text(linux, "linux", "rootfsPropagation", "");
        Long rootPropagation = propagation.isEmpty() ? Long.valueOf(0) : MountOptions.propagation(propagation);
        if (rootPropagation == null) {
            throw error("linux.rootfsPropagation", "'" + propagation + "' is none of private, slave, shared, unbindable (each also with r)");
        }
        return new Filesystem(Optional.of(mounts), Optional.of(strings(linux, "linux", "maskedPaths")),
                Optional.of(strings(linux, "linux", "readonlyPaths")), devices, noPivot, rootPropagation);
    }

    private static void linuxRest(JsonNode linux, ContainerSpec.Builder b, List<String> warnings) {
        only(linux, "linux", Set.of("namespaces", "uidMappings", "gidMappings", "devices", "cgroupsPath", "resources", "sysctl",
                "seccomp", "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel", "intelRdt", "personality", "timeOffsets"));
        unsupported(linux, "linux", "mountLabel", "SELinux mount labels are not set by the isobench engine");
        unsupported(linux, "linux", "intelRdt", "Intel RDT is not configured by the isobench engine");
        unsupported(linux, "linux", "personality", "execution domains are not set by the isobench engine");
        unsupported(linux, "linux", "timeOffsets", "time namespaces are not made by the isobench engine");
        String cgroupsPath = text(linux, "linux", "cgroupsPath", "");
        if (CgroupPath.isSystemdForm(cgroupsPath)) {
            warnings.add("linux.cgroupsPath '" + cgroupsPath + "' is systemd's slice:prefix:name form, which the isobench engine does not hand to"
                    + " systemd: the container's group is isobench/<id>");
        } else if (!cgroupsPath.isEmpty()) {
            try {
                CgroupPath.of(Optional.of(cgroupsPath), "id");
            } catch (IllegalArgumentException e) {
                throw error("linux.cgroupsPath", e.getMessage());
            }
            b.cgroupsPath(cgroupsPath);
        }
        JsonNode sysctl = linux.path("sysctl");
        if (Json.asksForSomething(sysctl) && !sysctl.isObject()) throw error("linux.sysctl", "must be an object of names to values");
        for (String key : iterable(sysctl)) {
            if (key.contains("/") || key.contains("..")) throw error("linux.sysctl." + key, "is not a sysctl name");
            b.sysctl(key, sysctl.path(key).asText());
        }
        b.limits(ResourcesSection.resources(linux.path("resources"), "linux.resources", b::privileged, warnings));
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
