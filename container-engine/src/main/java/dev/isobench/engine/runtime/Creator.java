package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.cgroup.LimitChecks;
import dev.isobench.engine.compile.Passwd;
import dev.isobench.engine.compile.PlanCompiler;
import dev.isobench.engine.image.BuiltinImages;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.image.ShiftedLayers;
import dev.isobench.engine.launch.InitStage;
import dev.isobench.engine.launch.Launcher;
import dev.isobench.engine.net.BridgeNetwork;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.rootfs.RootfsProvisioner;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.Volume;
import dev.isobench.engine.state.ContainerDir;
import dev.isobench.engine.state.ContainerLock;
import dev.isobench.engine.state.StateRecord;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Creates a container: state dir, rootfs, cgroup, then the init stage up to its start barrier (launched first,
 * and sent its plan once all of that is ready). Any failure
 * undoes every earlier step before the error reaches the caller, so nothing half-made is left.
 */
public final class Creator {
    private final Host host;

    public Creator(Host host) {
        this.host = host;
    }

    public Container create(ContainerSpec spec) {
        Map<Phase, Long> phases = new EnumMap<>(Phase.class);
        phases.put(Phase.CREATE_BEGIN, System.nanoTime());
        Image image = host.images().find(spec.image()).orElseThrow(() -> new EngineException(
                "no such image: '" + spec.image() + "' (built-in images: " + String.join(", ", BuiltinImages.names())
                + "; imported ones: isobench ctr images)"));
        for (Path layer : image.layers()) {
            if (!Files.isDirectory(layer)) {
                throw new EngineException("image " + image.name() + ": layer " + layer + " is missing from the store; import the image"
                        + " again, or remove it (isobench ctr image rm " + image.name() + ")");
            }
        }
        List<String> argv = spec.command().isEmpty() ? image.command() : spec.command();
        if (argv.isEmpty()) throw new EngineException("no command given and image " + image.name() + " has none: add -- CMD ARGS");
        LimitChecks.check(spec.limits(), host.cgroups());
        ContainerDir dir = host.store().allocate(spec.name());
        // Held until the create returns: gc leaves a directory without a record alone while it is locked, so the
        // record is written once, when the container exists (a record per phase cost a write on this path).
        try (ContainerLock creating = ContainerLock.acquire(dir)) {
            return create(spec, image, argv, dir, phases);
        }
    }

    private static CgroupPath cgroupPath(ContainerSpec spec, String id) {
        try {
            return CgroupPath.of(spec.cgroupsPath(), id);
        } catch (IllegalArgumentException e) {
            throw new EngineException(e.getMessage(), e);
        }
    }

    private Container create(ContainerSpec spec, Image image, List<String> argv, ContainerDir dir, Map<Phase, Long> phases) {
        String id = dir.id();
        String hostname = spec.hostname().orElse(id);
        // What to take back if the create fails: each resource's undo is pushed as it is taken, and they run last
        // first, so the container's processes die before their cgroup and network go, and the state dir goes last.
        Deque<Runnable> undo = new ArrayDeque<>();
        undo.push(() -> host.store().remove(dir, spec.name().orElse(id)));
        boolean leased = false;
        List<String> proxies = new ArrayList<>();
        try {
            // a detached container's stdout and stderr go through its monitor into its log (the plan's LOG step)
            Stdio stdio = spec.detached() && !spec.handOff() ? Stdio.INHERIT : spec.stdio();
            Path init = host.binaries().init();
            Future<InitStage> launching = Launcher.take(init, stdio);
            undo.push(() -> join(launching).kill()); // a monitor launched but not yet sent its plan, so in no cgroup yet
            ProcessInfo self = ProcessInfo.self();
            StateRecord record = new StateRecord(id, StateRecord.Config.of(spec, id, image.name(), image.id(), argv, hostname), "", List.of(),
                    "creating", 0, 0, 0, 0, self.pid(), self.startTime(), System.currentTimeMillis());
            // An OCI bundle's root is the caller's, owned as its maps need (runc does not change it either)
            Image seen = spec.userns().isPresent() && spec.rootfs() != RootfsMode.IN_PLACE ? host.images().forUserNamespace(image, spec.userns().get()) : image;
            Rootfs rootfs = RootfsProvisioner.of(spec.rootfs(), spec.userns().isPresent(), spec.ephemeral()).provision(seen, dir.path());
            phases.put(Phase.ROOTFS_READY, System.nanoTime());
            FaultInjection.at("ROOTFS_READY", 0, 0);
            CgroupPath group = cgroupPath(spec, id);
            undo.push(() -> ContainerCgroups.remove(host.cgroups(), id, dir.path())); // also when create fails half-way
            ContainerCgroups.create(host.cgroups(), group, id, dir.path());
            host.cgroups().apply(group, spec.limits());
            if (spec.privileged()) host.cgroups().allowAllDevices(group);
            phases.put(Phase.CGROUP_READY, System.nanoTime());
            FaultInjection.at("CGROUP_READY", 0, 0);
            prepareVolumes(spec, image, dir);
            String address = "";
            int joinedPid = joinedNetwork(spec, dir);
            String name = spec.name().orElse(id);
            if (spec.network() == NetworkMode.BRIDGE) {
                leased = true;
                undo.push(() -> host.network().detach(id, proxies));
                address = host.network().reserve(id, name, hostname, dir.path(), spec.net().extraHosts());
            } else if (spec.network() == NetworkMode.NONE && !spec.net().extraHosts().isEmpty()) {
                BridgeNetwork.writeHosts(dir.path(), hostname, name, spec.net().extraHosts());
            }
            makeFifo(dir);
            spec.userns().ifPresent(m -> handToUserNamespace(spec, dir, rootfs, m));
            Passwd passwd = spec.process().exactEnvironment() ? Passwd.of(rootfs.root()) : Passwd.NONE; // read before compiling
            Plan plan = PlanCompiler.create(spec, hostname, seen, rootfs, dir, host.cgroups().joinFiles(group), joinedPid,
                    etcFilesToBind(seen, dir), passwd);
            InitStage stage = join(launching);
            undo.push(stage::kill); // from here it joins the cgroup: killed before the cgroup goes
            stage.send(plan, stdio);
            phases.put(Phase.SPAWNED, System.nanoTime());
            FaultInjection.at("SPAWNED", stage.monitorPid(), 0);
            int pid = stage.awaitPid();
            phases.put(Phase.CLONED, System.nanoTime());
            FaultInjection.at("CLONED", stage.monitorPid(), pid);
            ProcessInfo monitor = ProcessInfo.of(stage.monitorPid()).orElseThrow(() -> new EngineException("monitor vanished"));
            Optional<ProcessInfo> running = ProcessInfo.of(pid);
            if (running.isEmpty()) throw vanished(stage);
            ProcessInfo process = running.get();
            record = record.withProcesses(monitor.pid(), monitor.startTime(), process.pid(), process.startTime()).withNetwork(address, List.of());
            if (!leased) { // written while the process mounts its rootfs; a failure before ready removes it all again
                record = record.withStatus("created");
                host.store().write(dir, record);
            }
            stage.awaitReady();
            phases.put(Phase.READY, System.nanoTime());
            FaultInjection.at("READY", stage.monitorPid(), pid);
            if (leased) {
                proxies.addAll(host.network().attach(id, pid, stage.monitorPid(), address, spec.net().ports()));
                phases.put(Phase.NETWORK_READY, System.nanoTime());
                FaultInjection.at("NETWORK_READY", stage.monitorPid(), pid);
                record = record.withNetwork(address, proxies).withStatus("created");
                host.store().write(dir, record);
            }
            host.cgroups().prepareAhead();
            if (spec.handOff()) { // its monitor is gone already: the caller's subreaper holds the container now
                stage.reapHandedOff();
                return new Container(host, dir, record, null, phases);
            }
            return new Container(host, dir, record, stage, phases);
        } catch (RuntimeException e) {
            for (Runnable step : undo) { // each runs even when an earlier one failed; failures ride along on the cause
                try {
                    step.run();
                } catch (RuntimeException undoFailed) {
                    if (undoFailed != e) e.addSuppressed(undoFailed);
                }
            }
            throw e;
        }
    }

    /**
     * The container's process is gone before it was ready: a step failed (a workdir that leaves the root, say)
     * and the monitor reaped it before its /proc entry was read. The C stage's report of that step is the reason.
     */
    private static EngineException vanished(InitStage stage) {
        try {
            stage.awaitReady();
        } catch (EngineException reported) {
            return reported;
        }
        return new EngineException("container process vanished before it was ready");
    }

    /**
     * The monitor launched for this create, once its exec is done; its failure is the create's. An interrupt
     * waits the millisecond out (and stays set), so that a launched monitor is never lost before undo kills it.
     */
    private static InitStage join(Future<InitStage> launching) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return launching.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new EngineException("cannot start the init stage: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Makes anonymous volumes, checks host paths, and refuses a target reached through an image symlink. */
    private static void prepareVolumes(ContainerSpec spec, Image image, ContainerDir dir) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            Volume v = spec.volumes().get(i);
            if (v.hostPath().isPresent() && !Files.exists(v.hostPath().get())) {
                throw new EngineException("-v: host path " + v.hostPath().get() + " does not exist (create it first)");
            }
            StringBuilder prefix = new StringBuilder();
            for (String part : v.target().substring(1).split("/")) {
                prefix.append('/').append(part);
                for (Path layer : image.layers()) {
                    Path p = layer.resolve(prefix.substring(1));
                    if (Files.isSymbolicLink(p)) {
                        throw new EngineException("-v " + v.target() + ": " + prefix + " is a symlink in image " + image.name()
                                + "; mount on the path it points to instead");
                    }
                    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) break;
                }
            }
            if (v.hostPath().isEmpty()) {
                try {
                    Files.createDirectories(PlanCompiler.anonymousVolume(dir, i));
                } catch (IOException e) {
                    throw new EngineException("cannot make anonymous volume for " + v.target() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** What root of the user namespace must write: the rootfs top, overlay's upper and work dirs, the fifo, volumes. */
    private static void handToUserNamespace(ContainerSpec spec, ContainerDir dir, Rootfs rootfs, IdMap map) {
        for (Path p = dir.path().getParent(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new EngineException("--userns: " + p + " is not searchable by others, so root of the user namespace (host uid "
                            + map.toHostUid(0) + ") cannot reach its rootfs; chmod o+x " + p + " or use another --root");
                }
            } catch (IOException e) {
                throw new EngineException("cannot read the permissions of " + p + ": " + e.getMessage(), e);
            }
        }
        List<Path> paths = new ArrayList<>(List.of(dir.startFifo()));
        // A copy's top is its own; overlay's shared mount point is covered by the mount, whose top is upper.
        if (rootfs.root().startsWith(dir.path())) paths.add(rootfs.root());
        for (String d : List.of("upper", "work")) {
            if (Files.isDirectory(dir.path().resolve(d))) paths.add(dir.path().resolve(d));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            if (spec.volumes().get(i).hostPath().isEmpty()) paths.add(PlanCompiler.anonymousVolume(dir, i));
        }
        paths.forEach(p -> ShiftedLayers.chownToRoot(p, map));
    }

    /** For {@code --net container:ID}: the pid whose network namespace to join (0: none); it must be running. */
    private int joinedNetwork(ContainerSpec spec, ContainerDir dir) {
        if (spec.network() != NetworkMode.CONTAINER) return 0;
        String ref = spec.net().joined().orElseThrow();
        ContainerDir other = host.store().find(ref).orElseThrow(() -> new EngineException("--net container:" + ref + ": no such container"));
        StateRecord r = host.store().read(other).orElseThrow(() -> new EngineException("--net container:" + ref + ": its state is unreadable"));
        if (!Container.load(host, other, r).state().canExec()) {
            throw new EngineException("--net container:" + ref + ": the container is not running; start it first");
        }
        try {
            if (Files.exists(other.path().resolve(BridgeNetwork.HOSTS))) {
                Files.copy(other.path().resolve(BridgeNetwork.HOSTS),
                        dir.path().resolve(BridgeNetwork.HOSTS), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EngineException("cannot copy the hosts file of " + ref + ": " + e.getMessage(), e);
        }
        return r.pid();
    }

    /**
     * The engine's /etc files (hosts, resolv.conf) that exist for this container, keyed by their path inside;
     * skipped where the image has a symlink on the way, which would let the bind land outside the rootfs.
     */
    private static Map<String, Path> etcFilesToBind(Image image, ContainerDir dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String f : List.of(BridgeNetwork.HOSTS, BridgeNetwork.RESOLV)) {
            Path source = dir.path().resolve(f);
            if (Files.exists(source) && !symlinkOnTheWay(image, "/etc/" + f)) files.put("/etc/" + f, source);
        }
        return files;
    }

    private static boolean symlinkOnTheWay(Image image, String target) {
        StringBuilder prefix = new StringBuilder();
        for (String part : target.substring(1).split("/")) {
            prefix.append('/').append(part);
            for (Path layer : image.layers()) {
                Path p = layer.resolve(prefix.substring(1));
                if (Files.isSymbolicLink(p)) return true;
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) break;
            }
        }
        return false;
    }

    private static void makeFifo(ContainerDir dir) {
        Native.mkfifo(dir.startFifo().toString(), 0600);
    }

}
