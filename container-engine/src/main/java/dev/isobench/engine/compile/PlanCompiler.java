package dev.isobench.engine.compile;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.plan.Mounts;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.spec.Capabilities;
import dev.isobench.engine.spec.CapabilitySets;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.MountSpec;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.ProcessOptions;
import dev.isobench.engine.spec.Rlimit;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.spec.Volume;
import dev.isobench.engine.state.ContainerDir;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a container spec into the {@link Plan} the C stage runs. All policy lives here: which
 * namespaces, which mounts in which order, what is masked, which capabilities stay.
 */
public final class PlanCompiler {
    /** A detached container's log file is rotated past this size: at most twice it on the host. */
    public static final long LOG_MAX_BYTES = 10L << 20;

    /** Paths Docker masks: files get /dev/null bound over them, directories an empty read-only tmpfs. */
    static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    /** Paths Docker makes read-only. */
    static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    static final long CLONE_NEWUSER = 0x10000000L;

    private PlanCompiler() {}

    /** The plan for a container's first process, which waits at the start fifo before its exec. */
    public static Plan create(ContainerSpec spec, String hostname, Image image, Rootfs rootfs, ContainerDir dir,
                              List<Path> cgroupJoinFiles) {
        return create(spec, hostname, image, rootfs, dir, cgroupJoinFiles, 0, Map.of(), Passwd.NONE);
    }

    /**
     * @param joinedNetPid a process whose network namespace the container joins ({@code --net container:}), or 0
     * @param etcFiles     engine-written files (hosts, resolv.conf) to bind at their path inside
     * @param passwd       the rootfs's /etc/passwd, read before: a process's HOME where its exact environment lacks one
     */
    public static Plan create(ContainerSpec spec, String hostname, Image image, Rootfs rootfs, ContainerDir dir,
                              List<Path> cgroupJoinFiles, int joinedNetPid, Map<String, Path> etcFiles, Passwd passwd) {
        Plan.Builder p = new Plan.Builder();
        if (joinedNetPid > 0) p.add(Op.SETNS, "/proc/" + joinedNetPid + "/ns/net");
        spec.joined().values().forEach(path -> p.add(Op.SETNS, path));
        p.add(Op.CLONE, Long.toString(cloneFlags(spec)));
        if (spec.handOff()) p.add(Op.HANDOFF);
        else if (spec.detached()) p.add(Op.SETSID);
        spec.process().consoleSocket().ifPresent(socket -> p.add(Op.CONSOLE, socket));
        // a detached container's output: through its monitor into container.log, rotated to container.log.1 (ctr logs)
        if (spec.detached() && !spec.handOff()) p.add(Op.LOG, dir.log().toString(), Long.toString(LOG_MAX_BYTES));
        cgroupSteps(p, cgroupJoinFiles);
        // For other processes (ps); one removed at exit is gone before anyone else could read it, and its owner
        // hears the code on the status pipe. A handed-off container has no monitor to write it: its reaper hears the code.
        if (!spec.ephemeral() && !spec.handOff()) p.add(Op.EXIT_FILE, dir.path().toString());
        for (Rlimit l : spec.process().rlimits()) {
            p.add(Op.RLIMIT, Integer.toString(l.resource()), Long.toString(l.soft()), Long.toString(l.hard()));
        }
        spec.process().oomScoreAdj().ifPresent(v -> p.add(Op.WRITE, "/proc/self/oom_score_adj", Integer.toString(v)));
        spec.userns().ifPresent(map -> {
            p.add(Op.USERNS_MAP, map.uidMap(), map.gidMap());
            p.add(Op.SET_USER, "0", "0"); // the mapped root: every later step runs as root of the user namespace
        });
        // The process has joined its cgroups before its first step, so this namespace's root is its own cgroup.
        if (spec.namespaces().contains(Namespace.CGROUP)) p.add(Op.UNSHARE, Integer.toString(Namespace.CGROUP.cloneFlag()));
        // Nothing mounted from here on propagates back to the host.
        p.addAll(List.of(Mounts.mount("", "/", "", Mounts.REC | Mounts.PRIVATE, "")));
        p.addAll(rootfs.mountSteps());
        String r = rootfs.root().toString();
        boolean ownTable = spec.filesystem().mounts().isPresent();
        if (ownTable) {
            MountTable.compile(p, spec.filesystem(), rootfs.root(), cgroupJoinFiles, spec.namespaces().contains(Namespace.CGROUP),
                    spec.process().consoleSocket().isPresent());
        } else {
            engineLayout(p, spec, image, r, dir, etcFiles);
        }
        if (spec.namespaces().contains(Namespace.UTS)) p.add(Op.SETHOSTNAME, hostname);
        p.add(Op.BARRIER, dir.startFifo().toString());
        if (spec.filesystem().noPivot()) p.add(Op.PIVOT_ROOT, r, "no-pivot");
        else p.add(Op.PIVOT_ROOT, r);
        long propagation = spec.filesystem().rootPropagation();
        if (propagation != 0) p.addAll(List.of(Mounts.mount("", "/", "", propagation, ""))); // its own peer group: the host's mounts stay private to it
        // Before /proc/sys is made read-only: the values land in the container's own namespaces.
        spec.sysctl().forEach((key, value) -> p.add(Op.WRITE, "/proc/sys/" + key.replace('.', '/'), value));
        if (!spec.privileged()) {
            spec.filesystem().maskedPaths().orElse(MASKED).forEach(m -> p.add(Op.MASK, m));
            spec.filesystem().readonlyPaths().orElse(READ_ONLY).forEach(m -> p.addAll(Mounts.readOnlyInPlace(m)));
        }
        if (spec.namespaces().contains(Namespace.NET)) p.add(Op.IFUP, "lo");
        String workdir = spec.workdir().equals("/") && !image.workdir().isEmpty() ? image.workdir() : spec.workdir();
        long nodev = spec.privileged() || ownTable ? 0 : Mounts.NODEV;
        if (spec.readOnly() && ownTable) workdirSteps(p, workdir); // a bundle's cwd is made, as runc does, before the root goes read-only
        if (spec.readOnly()) p.addAll(List.of(Mounts.mount("", "/", "", Mounts.REMOUNT | Mounts.BIND | Mounts.RDONLY | nodev, "")));
        User user = user(spec, image);
        List<String> env = spec.process().exactEnvironment() ? withHome(spec.env(), user.uid(), passwd)
                : environment(image.env(), spec.env(), hostname);
        process(p, workdir, user, env, command(spec, image), spec, Optional.empty());
        return p.build();
    }

    /** The system property that has a v2 group joined by a write instead, as v1's are: the A/B of docs/measurements.md. */
    public static final String JOIN_BY_WRITE = "isobench.engine.joinByWrite";

    /**
     * A v2 group (one cgroup.procs) is where the container's process is born, clone3's CLONE_INTO_CGROUP: no write
     * to cgroup.procs on the start path. v1's groups (one per hierarchy, joined through tasks) are joined by a write.
     */
    private static void cgroupSteps(Plan.Builder p, List<Path> joinFiles) {
        if (joinFiles.size() == 1 && joinFiles.get(0).getFileName().toString().equals("cgroup.procs") && !Boolean.getBoolean(JOIN_BY_WRITE)) {
            p.add(Op.CGROUP_INTO, joinFiles.get(0).getParent().toString());
        } else {
            joinFiles.forEach(f -> p.add(Op.CGROUP, f.toString()));
        }
    }

    private static void workdirSteps(Plan.Builder p, String workdir) {
        StringBuilder path = new StringBuilder();
        for (String part : workdir.split("/")) {
            if (part.isEmpty()) continue;
            path.append('/').append(part);
            p.mkdir(path.toString(), 0755);
        }
    }

    /**
     * An environment given exactly (an OCI process) gets HOME only where it has none: the user's home in the
     * rootfs's /etc/passwd, else "/" (runc's rule).
     */
    static List<String> withHome(List<String> env, int uid, Passwd passwd) {
        if (env.stream().anyMatch(e -> e.startsWith("HOME="))) return env;
        String home = passwd.home(uid).orElse("/");
        List<String> all = new ArrayList<>(env);
        all.add("HOME=" + home);
        return all;
    }

    /** Docker's layout: proc, a tmpfs /dev with bound nodes, sysfs, the image's binds, volumes, the engine's /etc files. */
    private static void engineLayout(Plan.Builder p, ContainerSpec spec, Image image, String r, ContainerDir dir, Map<String, Path> etcFiles) {
        // A device node made or shipped inside cannot be opened: /dev's nodes are bound in as their own mounts.
        long nodev = spec.privileged() ? 0 : Mounts.NODEV;
        if (nodev != 0) p.addAll(List.of(Mounts.mount("", r, "", Mounts.REMOUNT | Mounts.BIND | nodev, "")));
        p.addAll(List.of(Mounts.mount("proc", r + "/proc", "proc", Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "")));
        dev(p, r, spec.namespaces().contains(Namespace.IPC), nodev);
        if (spec.namespaces().contains(Namespace.NET)) {
            p.addAll(List.of(Mounts.mount("sysfs", r + "/sys", "sysfs", Mounts.RDONLY | Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "")));
        } else {
            p.addAll(Mounts.readOnlyBind("/sys", r + "/sys", Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC));
        }
        for (MountSpec b : image.binds()) {
            p.addAll(b.readOnly() ? Mounts.readOnlyBind(b.source().toString(), r + b.target(), Mounts.NOSUID | Mounts.NODEV)
                    : List.of(Mounts.bind(b.source().toString(), r + b.target())));
        }
        volumes(p, r, spec, dir);
        if (!etcFiles.isEmpty()) p.mkdir(r + "/etc", 0755);
        etcFiles.forEach((inside, source) -> {
            p.add(Op.TOUCH, r + inside);
            p.addAll(List.of(Mounts.bind(source.toString(), r + inside)));
        });
    }

    /**
     * The plan for a process joining a running container's namespaces and cgroup.
     *
     * @param shared the container's namespaces that are the caller's own (joined by path, or never made): no setns
     * @param passwd the image's /etc/passwd, read before: HOME for an exact environment without one
     */
    public static Plan exec(int containerPid, ContainerSpec spec, Image image, ExecSpec exec, String hostname,
                            List<Path> cgroupJoinFiles, Set<Namespace> shared, Passwd passwd) {
        Plan.Builder p = new Plan.Builder();
        // The user namespace first (the others belong to it); the mount namespace last: after joining it,
        // /proc/PID paths of the host are no longer reachable.
        if (spec.userns().isPresent()) p.add(Op.SETNS, "/proc/" + containerPid + "/ns/user");
        for (Namespace ns : List.of(Namespace.IPC, Namespace.UTS, Namespace.NET, Namespace.PID, Namespace.CGROUP, Namespace.MOUNT)) {
            if (spec.namespaces().contains(ns) || !shared.contains(ns)) p.add(Op.SETNS, "/proc/" + containerPid + "/ns/" + ns.procName());
        }
        cgroupJoinFiles.forEach(f -> p.add(Op.CGROUP, f.toString()));
        p.add(Op.CLONE, "0");
        if (exec.handOff()) p.add(Op.HANDOFF);
        for (Rlimit l : exec.rlimits()) p.add(Op.RLIMIT, Integer.toString(l.resource()), Long.toString(l.soft()), Long.toString(l.hard()));
        exec.consoleSocket().ifPresent(socket -> p.add(Op.CONSOLE, socket));
        List<String> env = new ArrayList<>(spec.env());
        env.addAll(exec.env());
        if (exec.exactEnvironment()) env = withHome(exec.env(), exec.user().uid(), passwd);
        else env = environment(image.env(), env, hostname);
        ContainerSpec execSpec = exec.noNewPrivileges() == spec.process().noNewPrivileges() ? spec : spec.toBuilder()
                .process(withNoNewPrivileges(spec.process(), exec.noNewPrivileges())).build();
        process(p, exec.workdir(), exec.user(), env, exec.command(), execSpec, exec.capabilities());
        return p.build();
    }

    /** Where anonymous volume N of a container lives on the host. */
    public static Path anonymousVolume(ContainerDir dir, int n) {
        return dir.path().resolve("volumes").resolve(Integer.toString(n));
    }

    /**
     * Mount points are made inside the rootfs before pivot_root; the creator has checked that no image path
     * on the way is a symlink, so nothing here resolves outside the rootfs.
     */
    private static void volumes(Plan.Builder p, String r, ContainerSpec spec, ContainerDir dir) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            Volume v = spec.volumes().get(i);
            Path source = v.hostPath().orElse(anonymousVolume(dir, i));
            String target = r + v.target();
            StringBuilder path = new StringBuilder(r);
            String[] parts = v.target().substring(1).split("/");
            for (int k = 0; k < parts.length - 1; k++) p.mkdir(path.append('/').append(parts[k]).toString(), 0755);
            if (Files.isDirectory(source)) p.mkdir(target, 0755);
            else p.add(Op.TOUCH, target);
            p.addAll(v.readOnly() ? Mounts.readOnlyBind(source.toString(), target, 0) : List.of(Mounts.bind(source.toString(), target)));
        }
    }

    static long cloneFlags(ContainerSpec spec) {
        long flags = spec.userns().isPresent() ? CLONE_NEWUSER : 0;
        for (Namespace ns : spec.namespaces()) {
            if (ns != Namespace.CGROUP) flags |= ns.cloneFlag(); // cgroupns comes after the cgroup attach
        }
        return flags;
    }

    private static void dev(Plan.Builder p, String r, boolean ownIpc, long nodev) {
        String d = r + "/dev";
        p.addAll(List.of(Mounts.mount("tmpfs", d, "tmpfs", Mounts.NOSUID | Mounts.STRICTATIME | nodev, "mode=755,size=65536k")));
        for (String dev : DEVICES) {
            p.add(Op.TOUCH, d + "/" + dev);
            p.addAll(List.of(Mounts.bind("/dev/" + dev, d + "/" + dev)));
        }
        p.mkdir(d + "/pts", 0755);
        p.addAll(List.of(Mounts.mount("devpts", d + "/pts", "devpts", Mounts.NOSUID | Mounts.NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620")));
        p.add(Op.SYMLINK, "pts/ptmx", d + "/ptmx");
        p.add(Op.MKDIR, d + "/shm", "1023");
        p.addAll(List.of(Mounts.mount("shm", d + "/shm", "tmpfs", Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "mode=1777,size=65536k")));
        if (ownIpc) {
            p.mkdir(d + "/mqueue", 0755);
            p.addAll(List.of(Mounts.mount("mqueue", d + "/mqueue", "mqueue", Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC, "")));
        }
        p.add(Op.SYMLINK, "/proc/self/fd", d + "/fd");
        p.add(Op.SYMLINK, "/proc/self/fd/0", d + "/stdin");
        p.add(Op.SYMLINK, "/proc/self/fd/1", d + "/stdout");
        p.add(Op.SYMLINK, "/proc/self/fd/2", d + "/stderr");
        p.add(Op.SYMLINK, "/proc/kcore", d + "/core");
    }

    /** The tail every process shares: working dir, privileges, environment, exec. */
    private static void process(Plan.Builder p, String workdir, User user, List<String> env, List<String> argv, ContainerSpec spec,
                                Optional<CapabilitySets> capabilities) {
        Seccomp seccomp = spec.seccomp();
        StringBuilder path = new StringBuilder();
        for (String part : workdir.split("/")) {
            if (part.isEmpty() || spec.readOnly()) continue; // a read-only root cannot grow a working directory
            path.append('/').append(part);
            p.mkdir(path.toString(), 0755);
        }
        p.add(Op.CHDIR, workdir);
        ProcessOptions options = spec.process();
        options.umask().ifPresent(u -> p.add(Op.UMASK, Integer.toString(u)));
        Optional<CapabilitySets> sets = capabilities.or(options::capabilities);
        long caps = spec.privileged() ? Capabilities.effective(List.of("ALL"), List.of()) & Capabilities.hostBounding() : Capabilities.effective(spec.capAdd(), spec.capDrop());
        if (sets.isPresent()) caps = sets.get().effective();
        boolean filtered = !seccomp.equals(Seccomp.UNCONFINED) && !spec.privileged();
        String filter = filtered ? SeccompCompiler.compile(seccomp, Capabilities.names(caps)) : "";
        // Without no_new_privs the filter needs CAP_SYS_ADMIN to load, so it goes in while the stage still holds it
        // (runc's order too); the steps after it are ones every profile allows (prctl, setres*id, capset, execve).
        if (filtered && !options.noNewPrivileges()) p.add(Op.SECCOMP, filter);
        p.add(Op.DROP_BOUNDING, Long.toString(sets.map(CapabilitySets::bounding).orElse(caps)));
        if (sets.isPresent()) p.add(Op.KEEP_CAPS);
        List<String> ids = new ArrayList<>(List.of(Integer.toString(user.uid()), Integer.toString(user.gid())));
        user.groups().forEach(g -> ids.add(Integer.toString(g)));
        p.add(Op.SET_USER, ids.toArray(String[]::new));
        if (sets.isPresent()) { // exactly the sets given, whoever the user: kept across setresuid, then set
            CapabilitySets c = sets.get();
            p.add(Op.CAPSET, Long.toString(c.effective()), Long.toString(c.permitted()), Long.toString(c.inheritable()), Long.toString(c.ambient()));
        } else if (user.uid() == 0) { // a non-root user lost its capabilities with setresuid; root keeps exactly the default set
            p.add(Op.CAPSET, Long.toString(caps));
        }
        if (options.noNewPrivileges()) p.add(Op.NO_NEW_PRIVS);
        env.forEach(e -> p.add(Op.ENV, e));
        // Last before exec, after no_new_privs (which an unprivileged filter needs): the stage's own calls stay unfiltered.
        if (filtered && options.noNewPrivileges()) p.add(Op.SECCOMP, filter);
        p.add(Op.EXEC, argv.toArray(String[]::new));
    }

    private static ProcessOptions withNoNewPrivileges(ProcessOptions o, boolean on) {
        return new ProcessOptions(o.rlimits(), o.oomScoreAdj(), o.umask(), on, o.capabilities(), o.exactEnvironment(), o.consoleSocket());
    }

    /** Image env, then the spec's; a later KEY replaces an earlier one, in place. */
    static List<String> environment(List<String> imageEnv, List<String> specEnv, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        for (List<String> source : List.of(imageEnv, List.of("HOSTNAME=" + hostname, "HOME=/root"), specEnv)) {
            for (String e : source) env.put(e.substring(0, e.indexOf('=')), e);
        }
        return List.copyOf(env.values());
    }

    /** The image's USER applies unless the spec names one; it must be numeric (no passwd lookup in the rootfs). */
    static User user(ContainerSpec spec, Image image) {
        if (!spec.user().equals(User.ROOT) || image.user().isEmpty() || image.user().equals("root")) return spec.user();
        try {
            return User.parse(image.user());
        } catch (IllegalArgumentException e) {
            throw new EngineException("image " + image.name() + " has USER " + image.user()
                    + ", which isobench cannot resolve (only numeric UID[:GID]); pass --user UID:GID");
        }
    }

    private static List<String> command(ContainerSpec spec, Image image) {
        return spec.command().isEmpty() ? image.command() : spec.command();
    }
}
