package dev.isobench.engine.runtime;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.sys.Native;
import dev.isobench.engine.cgroup.LimitChecks;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.rootfs.RootfsProvisioner;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.ProcessInfo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates a container: state dir, rootfs, cgroup, then the init stage up to its start barrier (launched first,
 * and sent its plan once all of that is ready). Any failure
 * undoes every earlier step before the error reaches the caller, so nothing half-made is left.
 */
public final class Creator {
    /**
     * Launches monitors while their creator prepares the rootfs, cgroups and plan: posix_spawn holds its thread
     * through the child's exec (a millisecond here), time the creator spends on the other core instead. runc
     * likewise starts its init process before it sets up cgroups and sends the config.
     */
    private static final ExecutorService LAUNCHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "isobench-launch");
        t.setDaemon(true);
        return t;
    });

    private final Host host;

    public Creator(Host host) {
        this.host = host;
    }

    public Container create(ContainerSpec spec) {
        Map<Phase, Long> phases = new EnumMap<>(Phase.class);
        phases.put(Phase.CREATE_BEGIN, System.nanoTime());
        Image image = host.images().find(spec.image()).orElseThrow(() -> new EngineException(
                "no such image: '" + spec.image() + "' (built-in images: " + String.join(", ", dev.isobench.engine.image.BuiltinImages.names())
                + "; imported ones: isobench ctr images)"));
        for (java.nio.file.Path layer : image.layers()) {
            if (!java.nio.file.Files.isDirectory(layer)) {
                throw new EngineException("image " + image.name() + ": layer " + layer + " is missing from the store; import the image"
                        + " again, or remove it (isobench ctr image rm " + image.name() + ")");
            }
        }
        List<String> argv = spec.command().isEmpty() ? image.command() : spec.command();
        if (argv.isEmpty()) throw new EngineException("no command given and image " + image.name() + " has none: add -- CMD ARGS");
        LimitChecks.check(spec.limits(), host.cgroups());
        ContainerDir dir = host.store().allocate(spec.name());
        String id = dir.id();
        String hostname = spec.hostname().orElse(id);
        InitStage stage = null;
        Future<InitStage> launching = null;
        boolean cgroupMade = false;
        boolean leased = false;
        List<String> proxies = new ArrayList<>();
        try {
            Stdio stdio = spec.detached() ? Stdio.toFiles(dir.log(), dir.log()) : spec.stdio();
            java.nio.file.Path init = host.binaries().init();
            launching = LAUNCHER.submit(() -> InitStage.launch(init, stdio));
            ProcessInfo self = ProcessInfo.self();
            StateRecord record = new StateRecord(id, spec.name().orElse(id), image.name(), image.id(), argv, spec.env(), spec.workdir(),
                    spec.user().uid(), spec.user().gid(), hostname, new ArrayList<>(spec.namespaces()), spec.rootfs(),
                    spec.detached(), spec.ephemeral(), spec.seccomp(), spec.capAdd(), spec.capDrop(), spec.readOnly(), spec.userns().orElse(null), spec.privileged(), spec.net().toString(),
                    spec.net().ports().stream().map(m -> m.hostPort() + ":" + m.containerPort()).toList(),
                    spec.net().extraHosts().stream().map(h -> h.name() + ":" + h.address()).toList(), "", List.of(), "creating", 0, 0, 0, 0, self.pid(), self.startTime(), System.currentTimeMillis());
            host.store().write(dir, record);
            Image seen = spec.userns().map(m -> host.images().forUserNamespace(image, m)).orElse(image);
            Rootfs rootfs = RootfsProvisioner.of(spec.rootfs(), spec.userns().isPresent(), spec.ephemeral()).provision(seen, dir.path());
            phases.put(Phase.ROOTFS_READY, System.nanoTime());
            FaultInjection.at("ROOTFS_READY", 0, 0);
            cgroupMade = true;
            host.cgroups().create(id);
            host.cgroups().apply(id, spec.limits());
            if (spec.privileged()) host.cgroups().allowAllDevices(id);
            phases.put(Phase.CGROUP_READY, System.nanoTime());
            FaultInjection.at("CGROUP_READY", 0, 0);
            prepareVolumes(spec, image, dir);
            String address = "";
            int joinedPid = joinedNetwork(spec, dir);
            String name = spec.name().orElse(id);
            if (spec.network() == dev.isobench.engine.spec.NetworkMode.BRIDGE) {
                leased = true;
                address = host.network().reserve(id, name, hostname, dir.path(), spec.net().extraHosts());
            } else if (spec.network() == dev.isobench.engine.spec.NetworkMode.NONE && !spec.net().extraHosts().isEmpty()) {
                dev.isobench.engine.net.BridgeNetwork.writeHosts(dir.path(), hostname, name, spec.net().extraHosts());
            }
            makeFifo(dir);
            spec.userns().ifPresent(m -> handToUserNamespace(spec, dir, rootfs, m));
            Plan plan = PlanCompiler.create(spec, hostname, seen, rootfs, dir, host.cgroups().joinFiles(id), joinedPid,
                    etcFilesToBind(seen, dir));
            stage = join(launching);
            stage.send(plan);
            phases.put(Phase.SPAWNED, System.nanoTime());
            FaultInjection.at("SPAWNED", stage.monitorPid(), 0);
            int pid = stage.awaitPid();
            phases.put(Phase.CLONED, System.nanoTime());
            FaultInjection.at("CLONED", stage.monitorPid(), pid);
            ProcessInfo monitor = ProcessInfo.of(stage.monitorPid()).orElseThrow(() -> new EngineException("monitor vanished"));
            ProcessInfo process = ProcessInfo.of(pid).orElseThrow(() -> new EngineException("container process vanished"));
            record = record.withProcesses(monitor.pid(), monitor.startTime(), process.pid(), process.startTime()).withNetwork(address, List.of());
            if (!leased) { // written while the process mounts its rootfs; a failure before ready removes it all again
                record = record.withStatus("created");
                host.store().write(dir, record);
            }
            stage.awaitReady();
            phases.put(Phase.READY, System.nanoTime());
            FaultInjection.at("READY", stage.monitorPid(), pid);
            if (leased) {
                proxies = host.network().attach(id, pid, stage.monitorPid(), address, spec.net().ports());
                phases.put(Phase.NETWORK_READY, System.nanoTime());
                FaultInjection.at("NETWORK_READY", stage.monitorPid(), pid);
                record = record.withNetwork(address, proxies).withStatus("created");
                host.store().write(dir, record);
            }
            return new Container(host, dir, record, stage, phases);
        } catch (RuntimeException e) {
            if (stage == null && launching != null) {
                try {
                    stage = join(launching);
                } catch (RuntimeException launchFailed) {
                    if (launchFailed != e) e.addSuppressed(launchFailed);
                }
            }
            undo(dir, spec.name().orElse(id), stage, cgroupMade, leased, proxies, e);
            throw e;
        }
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

    /** Each undo step runs even when an earlier one failed; failures ride along on the cause. */
    private void undo(ContainerDir dir, String name, InitStage stage, boolean cgroupMade, boolean leased, List<String> proxies,
                      RuntimeException cause) {
        List<Runnable> steps = new ArrayList<>();
        if (stage != null) steps.add(stage::kill);
        if (leased) steps.add(() -> host.network().detach(dir.id(), proxies));
        if (cgroupMade) steps.add(() -> host.cgroups().destroy(dir.id()));
        steps.add(() -> host.store().remove(dir, name));
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Makes anonymous volumes, checks host paths, and refuses a target reached through an image symlink. */
    private static void prepareVolumes(ContainerSpec spec, Image image, ContainerDir dir) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            dev.isobench.engine.spec.Volume v = spec.volumes().get(i);
            if (v.hostPath().isPresent() && !java.nio.file.Files.exists(v.hostPath().get())) {
                throw new EngineException("-v: host path " + v.hostPath().get() + " does not exist (create it first)");
            }
            StringBuilder prefix = new StringBuilder();
            for (String part : v.target().substring(1).split("/")) {
                prefix.append('/').append(part);
                for (java.nio.file.Path layer : image.layers()) {
                    java.nio.file.Path p = layer.resolve(prefix.substring(1));
                    if (java.nio.file.Files.isSymbolicLink(p)) {
                        throw new EngineException("-v " + v.target() + ": " + prefix + " is a symlink in image " + image.name()
                                + "; mount on the path it points to instead");
                    }
                    if (java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) break;
                }
            }
            if (v.hostPath().isEmpty()) {
                try {
                    java.nio.file.Files.createDirectories(PlanCompiler.anonymousVolume(dir, i));
                } catch (java.io.IOException e) {
                    throw new EngineException("cannot make anonymous volume for " + v.target() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** What root of the user namespace must write: the rootfs top, overlay's upper and work dirs, the fifo, volumes. */
    private static void handToUserNamespace(ContainerSpec spec, ContainerDir dir, Rootfs rootfs, dev.isobench.engine.spec.IdMap map) {
        for (java.nio.file.Path p = dir.path().getParent(); p != null; p = p.getParent()) {
            try {
                if (!java.nio.file.Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new EngineException("--userns: " + p + " is not searchable by others, so root of the user namespace (host uid "
                            + map.hostBase() + ") cannot reach its rootfs; chmod o+x " + p + " or use another --root");
                }
            } catch (java.io.IOException e) {
                throw new EngineException("cannot read the permissions of " + p + ": " + e.getMessage(), e);
            }
        }
        List<java.nio.file.Path> paths = new ArrayList<>(List.of(dir.startFifo()));
        // A copy's top is its own; overlay's shared mount point is covered by the mount, whose top is upper.
        if (rootfs.root().startsWith(dir.path())) paths.add(rootfs.root());
        for (String d : List.of("upper", "work")) {
            if (java.nio.file.Files.isDirectory(dir.path().resolve(d))) paths.add(dir.path().resolve(d));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            if (spec.volumes().get(i).hostPath().isEmpty()) paths.add(PlanCompiler.anonymousVolume(dir, i));
        }
        paths.forEach(p -> dev.isobench.engine.image.ShiftedLayers.chownToRoot(p, map));
    }

    /** For {@code --net container:ID}: the pid whose network namespace to join (0: none); it must be running. */
    private int joinedNetwork(ContainerSpec spec, ContainerDir dir) {
        if (spec.network() != dev.isobench.engine.spec.NetworkMode.CONTAINER) return 0;
        String ref = spec.net().joined().orElseThrow();
        ContainerDir other = host.store().find(ref).orElseThrow(() -> new EngineException("--net container:" + ref + ": no such container"));
        StateRecord r = host.store().read(other).orElseThrow(() -> new EngineException("--net container:" + ref + ": its state is unreadable"));
        if (!Container.load(host, other, r).state().canExec()) {
            throw new EngineException("--net container:" + ref + ": the container is not running; start it first");
        }
        try {
            if (java.nio.file.Files.exists(other.path().resolve(dev.isobench.engine.net.BridgeNetwork.HOSTS))) {
                java.nio.file.Files.copy(other.path().resolve(dev.isobench.engine.net.BridgeNetwork.HOSTS),
                        dir.path().resolve(dev.isobench.engine.net.BridgeNetwork.HOSTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            throw new EngineException("cannot copy the hosts file of " + ref + ": " + e.getMessage(), e);
        }
        return r.pid();
    }

    /**
     * The engine's /etc files (hosts, resolv.conf) that exist for this container, keyed by their path inside;
     * skipped where the image has a symlink on the way, which would let the bind land outside the rootfs.
     */
    private static java.util.Map<String, java.nio.file.Path> etcFilesToBind(Image image, ContainerDir dir) {
        java.util.Map<String, java.nio.file.Path> files = new java.util.LinkedHashMap<>();
        for (String f : List.of(dev.isobench.engine.net.BridgeNetwork.HOSTS, dev.isobench.engine.net.BridgeNetwork.RESOLV)) {
            java.nio.file.Path source = dir.path().resolve(f);
            if (java.nio.file.Files.exists(source) && !symlinkOnTheWay(image, "/etc/" + f)) files.put("/etc/" + f, source);
        }
        return files;
    }

    private static boolean symlinkOnTheWay(Image image, String target) {
        StringBuilder prefix = new StringBuilder();
        for (String part : target.substring(1).split("/")) {
            prefix.append('/').append(part);
            for (java.nio.file.Path layer : image.layers()) {
                java.nio.file.Path p = layer.resolve(prefix.substring(1));
                if (java.nio.file.Files.isSymbolicLink(p)) return true;
                if (java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) break;
            }
        }
        return false;
    }

    private static void makeFifo(ContainerDir dir) {
        Native.mkfifo(dir.startFifo().toString(), 0600);
    }

}
