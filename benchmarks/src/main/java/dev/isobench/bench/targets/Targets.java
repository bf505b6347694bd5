package dev.isobench.bench.targets;

import dev.isobench.bench.process.Processes;
import dev.isobench.bench.vm.Guest;
import dev.isobench.bench.vm.Qemu;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Engine;
import dev.isobench.engine.proc.Mountinfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the whole-process targets this host has: the bare host and each peer engine, or the reason it is
 * skipped. Everything found runs the probe from the same rootfs copy.
 */
public final class Targets implements AutoCloseable {
    public static final List<String> PEERS = List.of("floor", "unshare", "bwrap", "nspawn", "lxc", "runc", "crun", "podman", "docker", "runsc", "vm");
    /** The Debian package of each peer whose name is not its package's. */
    private static final Map<String, String> PACKAGES = Map.of("bwrap", "bubblewrap", "unshare", "util-linux", "nspawn", "systemd-container",
            "docker", "docker.io");
    /** A boot under software emulation takes seconds; a guest still running after this is hung. */
    static final Duration VM_DEADLINE = Duration.ofSeconds(300);
    /** The cached KVM verdict, under the engine root's vm/ beside the guest kernel. */
    public static final String KVM_VERDICT = "kvm-check.json";

    private final List<Target> found = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> details = new LinkedHashMap<>();
    private Process crunNamespace;
    private DockerDaemon docker;
    private List<String> crunLauncher;

    private Targets() {}

    public static Targets discover(Engine engine, Workspace ws, Set<String> wanted) {
        Targets t = new Targets();
        Path scratch = ws.scratch();
        Path rootfs = ws.probeRootfs();
        if (wanted.contains("host")) t.found.add(new HostTarget(rootfs.resolve("probe"), scratch));
        if (wanted.contains("floor")) { // built with the engine: found wherever the engine is
            Path floor = engine.binaries().floor();
            t.add("floor", Optional.of("isobench-floor " + engine.binaries().version()), () -> new CommandTarget("floor", "",
                    () -> List.of(floor.toString(), rootfs.toString()), () -> { }, scratch));
        }
        if (wanted.contains("unshare")) {
            t.add("unshare", Processes.firstLine(scratch, "unshare", "--version"), () -> new CommandTarget("unshare", "",
                    () -> List.of("unshare", "-fpmuin", "--mount-proc=" + rootfs.resolve("proc"), "chroot", rootfs.toString()), () -> { }, scratch));
        }
        if (wanted.contains("bwrap")) {
            t.add("bwrap", Processes.firstLine(scratch, "bwrap", "--version"), () -> new CommandTarget("bwrap", "",
                    () -> List.of("bwrap", "--unshare-all", "--die-with-parent", "--bind", rootfs.toString(), "/", "--proc", "/proc", "--dev", "/dev"),
                    () -> { }, scratch));
        }
        if (wanted.contains("nspawn")) {
            t.add("nspawn", Processes.firstLine(scratch, "systemd-nspawn", "--version"), () -> new NspawnTarget(rootfs, ws.dir(), scratch));
        }
        if (wanted.contains("lxc")) {
            t.add("lxc", Processes.firstLine(scratch, "lxc-execute", "--version").map(v -> "lxc " + v),
                    () -> new LxcTarget(rootfs, ws.dir(), scratch));
        }
        if (wanted.contains("runc")) {
            t.add("runc", Processes.firstLine(scratch, "runc", "--version"),
                    () -> new OciRuntimeTarget("runc", List.of(), ws.dir().resolve("bundle-runc"), rootfs, scratch));
        }
        if (wanted.contains("crun")) {
            Optional<String> version = Processes.firstLine(scratch, "crun", "--version");
            t.add("crun", version, () -> new OciRuntimeTarget("crun", t.crunLauncher(scratch), ws.dir().resolve("bundle-crun"), rootfs, scratch));
        }
        if (wanted.contains("vm")) t.addVm(engine, ws);
        if (wanted.contains("runsc")) t.addRunsc(ws, rootfs, scratch);
        // The engine as an OCI runtime under the clients, beside runc and crun: what the client costs, what the runtime does
        Optional<Path> isobench = wanted.contains("engine") && (wanted.contains("podman") || wanted.contains("docker"))
                ? Optional.of(IsobenchRuntime.write(ws.dir().resolve("isobench-runtime"))) : Optional.empty();
        if (wanted.contains("docker")) t.addDocker(ws, rootfs, scratch, isobench);
        if (wanted.contains("podman")) {
            Optional<String> version = Processes.firstLine(scratch, "podman", "--version");
            t.add("podman", version, () -> {
                List<String> launcher = t.crunLauncher(scratch);
                if (!launcher.isEmpty()) t.notes.add("podman runs in crun's private mount namespace too (its default runtime is crun)");
                return new PodmanTarget(launcher, rootfs, ws.dir().resolve("podman-rootfs"), scratch);
            });
            if (version.isPresent()) t.addPodmanClients(ws, rootfs, scratch, isobench);
        }
        isobench.ifPresent(path -> {
            t.isobenchRuntimeDir = path.getParent();
            t.clients.add(new OciRuntimeTarget("isobench-runtime", "", List.of(path.resolveSibling(IsobenchRuntime.JVM).toString()),
                    ws.dir().resolve("bundle-isobench"), rootfs, scratch));
            t.clients.add(new OciRuntimeTarget("isobench-runtime", "resident", List.of(path.toString()), ws.dir().resolve("bundle-isobench-resident"),
                    rootfs, scratch).verbByVerb());
            if (Processes.firstLine(scratch, "runc", "--version").isPresent()) {
                t.clients.add(new OciRuntimeTarget("runc", "verbs", List.of("runc"), ws.dir().resolve("bundle-runc-verbs"), rootfs, scratch).verbByVerb());
            }
        });
        return t;
    }

    /** podman over each runtime it can drive here: runc, crun (in crun's launcher namespace, as the podman target) and isobench. */
    private void addPodmanClients(Workspace ws, Path rootfs, Path scratch, Optional<Path> isobench) {
        for (String runtime : List.of("runc", "crun")) {
            if (Processes.firstLine(scratch, runtime, "--version").isEmpty()) continue;
            List<String> launcher = runtime.equals("crun") ? crunLauncher(scratch) : List.of();
            clients.add(new PodmanTarget(launcher, runtime, runtime, rootfs, ws.dir().resolve("podman-rootfs-" + runtime), scratch));
        }
        isobench.ifPresent(path -> {
            clients.add(new PodmanTarget(List.of(), "isobench", path.toString(), rootfs, ws.dir().resolve("podman-rootfs-isobench"), scratch));
            clients.add(new PodmanTarget(List.of(), "isobench-jvm", path.resolveSibling(IsobenchRuntime.JVM).toString(), rootfs,
                    ws.dir().resolve("podman-rootfs-isobench-jvm"), scratch));
        });
    }

    /** The vm target, its accelerator settled by a probe boot where /dev/kvm is present (KvmCheck). */
    private void addVm(Engine engine, Workspace ws) {
        try {
            Qemu installed = Qemu.find();
            Path kernel = Qemu.kernel(Optional.ofNullable(System.getProperty("isobench.vm.kernel")).map(Path::of), engine.root());
            Path probe = engine.binaries().probe();
            Qemu qemu = KvmCheck.settle(installed, kernel, probe, ws.dir().resolve("vm-kvm-check"), engine.root().resolve("vm").resolve(KVM_VERDICT),
                    KvmCheck.DEADLINE);
            Optional<Guest> guest = Optional.empty();
            try {
                guest = Optional.of(Guest.of(qemu, kernel));
            } catch (IllegalStateException e) {
                notes.add("vm: no container-in-a-VM point: " + e.getMessage());
            }
            found.add(new VmTarget(qemu, kernel, probe, ws.dir().resolve("vm"), VM_DEADLINE, guest));
            versions.put("vm", qemu.version() + "; kernel " + kernel); // the accelerator and why: in details, below
            Map<String, String> accel = new LinkedHashMap<>();
            accel.put("accelerator", qemu.variant());
            accel.put("accelerator_reason", qemu.accelNote());
            details.put("vm", accel);
            notes.add("vm: runs in the startup, syscall and cgroup suites; " + qemu.accelNote()
                    + (qemu.kvm() ? "" : ", so its rows are labelled 'emulated' and are not hardware virtualization"));
        } catch (RuntimeException e) {
            skipped.put("vm", e.getMessage());
        }
    }

    /**
     * gVisor: its own user-space kernel serves every system call. The ptrace platform runs anywhere ptrace does;
     * the kvm platform only where KVM has proven it boots a guest (the vm target's check), so only then.
     */
    private void addRunsc(Workspace ws, Path rootfs, Path scratch) {
        Optional<String> version = Processes.firstLine(scratch, "runsc", "--version");
        Path state = ws.dir().resolve("runsc-state");
        Function<String, OciRuntimeTarget> on = platform -> new OciRuntimeTarget("runsc", platform,
                List.of("runsc", "--root=" + state, "--network=none", "--platform=" + platform), ws.dir().resolve("bundle-runsc-" + platform), rootfs, scratch);
        add("runsc", version, () -> on.apply("ptrace"));
        if (version.isEmpty()) return;
        details.put("runsc", new LinkedHashMap<>(Map.of("platform", "ptrace", "network", "none")));
        Map<String, String> vm = details.get("vm");
        if (vm != null && vm.get("accelerator").equals("kvm")) {
            details.get("runsc").put("platform", "ptrace, kvm");
            found.add(on.apply("kvm"));
        } else {
            skipped.put("runsc/kvm", vm == null ? "the kvm platform runs only where KVM has proven it boots a guest, and the vm target"
                    + " that checks it was not selected" : "the kvm platform needs a KVM that boots guests: " + vm.get("accelerator_reason"));
        }
    }

    /**
     * Docker on a dockerd of isobench's own, started here (its start-up is not in any container's figure) and
     * stopped at close; between its turns it idles. One target per runtime it has: runc, crun, runsc.
     */
    private void addDocker(Workspace ws, Path rootfs, Path scratch, Optional<Path> isobench) {
        Optional<String> client = Processes.firstLine(scratch, "docker", "--version");
        Optional<String> server = Processes.firstLine(scratch, "dockerd", "--version");
        if (client.isEmpty() || server.isEmpty()) {
            skipped.put("docker", "not installed (apt-get install docker.io)");
            return;
        }
        try {
            docker = new DockerDaemon(ws.dir(), rootfs, scratch, isobench);
        } catch (RuntimeException e) {
            skipped.put("docker", "its own dockerd did not come up: " + e.getMessage());
            return;
        }
        versions.put("docker", docker.version() + "; client " + client.get());
        List<String> runtimes = new ArrayList<>();
        for (String runtime : List.of("runc", "crun", "runsc")) {
            if (Processes.firstLine(scratch, runtime, "--version").isPresent()) {
                found.add(new DockerTarget(docker, runtime, scratch));
                if (!runtime.equals("runsc")) clients.add(new DockerTarget(docker, runtime, scratch));
                runtimes.add(runtime);
            } else {
                skipped.put("docker/" + runtime, runtime + " is not installed");
            }
        }
        if (isobench.isPresent()) {
            clients.add(new DockerTarget(docker, "isobench", scratch));
            runtimes.add("isobench");
        }
        details.put("docker", new LinkedHashMap<>(Map.of("runtimes", String.join(", ", runtimes), "runsc_platform", "ptrace")));
        notes.add("docker: isobench's own dockerd (data root, socket and cgroups under isobench's names) runs for the whole run,"
                + " idle between its turns; its start is not in any figure");
    }

    private interface Maker {
        Target make();
    }

    private void add(String name, Optional<String> version, Maker maker) {
        if (version.isEmpty()) {
            skipped.put(name, "not installed (apt-get install " + PACKAGES.getOrDefault(name, name) + ")");
            return;
        }
        try {
            found.add(maker.make());
            versions.put(name, version.get());
        } catch (RuntimeException e) {
            skipped.put(name, "installed but unusable here: " + e.getMessage());
        }
    }

    /**
     * crun 1.8 refuses hybrid hosts whose cgroup2 mount carries a controller. It then runs inside a private
     * mount namespace where that mount is detached (the host is unchanged), entered with nsenter; one
     * namespace serves crun and podman (whose default runtime is crun).
     */
    private List<String> crunLauncher(Path scratch) {
        if (crunLauncher == null) crunLauncher = makeCrunLauncher(scratch);
        return crunLauncher;
    }

    private List<String> makeCrunLauncher(Path scratch) {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        try {
            if (!Files.isDirectory(unified) || Files.readString(unified.resolve("cgroup.controllers")).isBlank()) return List.of();
            crunNamespace = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "umount -l " + unified + " && echo ready && exec sleep 86400").redirectErrorStream(true).start();
            String ready = new String(crunNamespace.getInputStream().readNBytes(6));
            if (!ready.startsWith("ready")) throw new IllegalStateException("could not prepare a mount namespace for crun: " + ready);
            notes.add("crun runs via nsenter in a private mount namespace without the hybrid cgroup2 mount (crun 1.8 refuses hybrid"
                    + " hosts); nsenter adds one exec to its time");
            return List.of("nsenter", "--mount=/proc/" + crunNamespace.pid() + "/ns/mnt", "--");
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare crun's mount namespace: " + e.getMessage(), e);
        }
    }

    private final List<String> notes = new ArrayList<>();
    private final List<Target> clients = new ArrayList<>();
    private Path isobenchRuntimeDir;

    public List<Target> found() {
        return found;
    }

    /**
     * Clients over runtimes, for the startup suite's client-runtime rows: podman and docker each over runc, crun and
     * isobench's OCI runtime, and that runtime alone; none of them is in {@link #found()}, so no other suite runs them.
     */
    public List<Target> clients() {
        return clients;
    }

    /** isobench's own dockerd, when it came up. */
    Optional<DockerDaemon> docker() {
        return Optional.ofNullable(docker);
    }

    public Map<String, String> skipped() {
        return skipped;
    }

    public Map<String, String> versions() {
        return versions;
    }

    /** Facts about a found target beside its version (the vm's accelerator and why), for the manifest. */
    public Map<String, Map<String, String>> details() {
        return details;
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * runc and crun make {@code isobench/} in every hierarchy they touch (also freezer, devices, name=systemd
     * and the v2 mount); once empty, those parents go, so the host is left as it was.
     */
    @Override
    public void close() {
        List<Target> all = new ArrayList<>(found);
        all.addAll(clients);
        for (Target t : all) {
            if (t instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    notes.add("cleaning up after " + t.name() + " failed: " + e.getMessage());
                }
            }
        }
        if (isobenchRuntimeDir != null) { // the resident engines its wrapper started: the workspace's root, dockerd's
            List<Path> roots = new ArrayList<>(List.of(isobenchRuntimeDir));
            if (docker != null) roots.add(docker.execRoot());
            IsobenchRuntime.stopEngines(roots);
        }
        if (docker != null) docker.close();
        if (crunNamespace != null) crunNamespace.destroyForcibly();
        for (Path hierarchy : cgroupHierarchies()) {
            try {
                Files.deleteIfExists(hierarchy.resolve("isobench"));
            } catch (IOException e) {
                // not empty (a container of the engine lives there) or already gone: leave it
            }
        }
    }

    /** The mount point of every cgroup hierarchy (v1 and v2) this process sees. */
    static List<Path> cgroupHierarchies() {
        List<Path> out = new ArrayList<>();
        for (var m : Mountinfo.read(Path.of("/proc/self/mountinfo"))) {
            if (m.fsType().equals("cgroup") || m.fsType().equals("cgroup2")) out.add(m.mountPoint());
        }
        return out;
    }
}
