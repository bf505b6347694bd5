package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.cgroup.CgroupStats;
import dev.isobench.engine.cgroup.LimitChecks;
import dev.isobench.engine.compile.Passwd;
import dev.isobench.engine.compile.PlanCompiler;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.launch.InitStage;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.state.ContainerDir;
import dev.isobench.engine.state.ContainerLock;
import dev.isobench.engine.state.StateRecord;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.LibC;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A container: created (waiting at its start barrier), running, stopped, deleted. The engine process that
 * created it holds its init stage and reaps it; any other process (a second CLI) works from state.json
 * and the exit file that the monitor writes.
 */
public final class Container {

    private final Host host;
    private final ContainerDir dir;
    private final Map<Phase, Long> phases = Collections.synchronizedMap(new EnumMap<>(Phase.class));
    private final InitStage stage;
    private volatile StateRecord record;
    private volatile boolean deleted;

    Container(Host host, ContainerDir dir, StateRecord record, InitStage stage, Map<Phase, Long> phases) {
        this.host = host;
        this.dir = dir;
        this.record = record;
        this.stage = stage;
        this.phases.putAll(phases);
    }

    /** A container created by another process, seen through its state file. */
    public static Container load(Host host, ContainerDir dir, StateRecord record) {
        return new Container(host, dir, record, null, Map.of());
    }

    public String id() {
        return record.id();
    }

    public String name() {
        return record.config().name();
    }

    public int pid() {
        return record.pid();
    }

    public ContainerSpec spec() {
        return record.config().spec();
    }

    public StateRecord record() {
        return record;
    }

    public ContainerDir dir() {
        return dir;
    }

    /** The plan of an exec, with the facts it needs read first: the namespaces already the engine's, the image's passwd. */
    private Plan execPlan(ExecSpec exec) {
        Set<Namespace> shared = EnumSet.noneOf(Namespace.class);
        for (Namespace ns : Namespace.values()) if (ProcessInfo.sameNamespace(record.pid(), ns.procName())) shared.add(ns);
        Passwd passwd = exec.exactEnvironment() ? Passwd.of(image().layers().get(0)) : Passwd.NONE;
        return PlanCompiler.exec(record.pid(), spec(), image(), exec, record.config().hostname(), host.cgroups().joinFiles(cgroup()), shared, passwd);
    }

    /** The process that made this container (a CLI, a benchmark run): its own are what an interrupted run removes. */
    public long ownerPid() {
        return record.ownerPid();
    }

    /** What the container's port proxies logged: why one closed a connection. */
    public Path proxyLog() {
        return dir.proxyLog();
    }

    /** Monotonic timestamps (System.nanoTime) of every phase reached so far. */
    public Map<Phase, Long> timestamps() {
        synchronized (phases) {
            return Map.copyOf(phases);
        }
    }

    public ContainerState state() {
        if (deleted) return ContainerState.DELETED;
        boolean exited = Files.exists(dir.exitFile()) || (stage != null && stage.reaped())
                || !new ProcessInfo(record.pid(), record.pidStart()).isAlive();
        if (exited) return oomKilled() ? ContainerState.OOM_KILLED : ContainerState.STOPPED;
        // Started means the start fifo is gone, as runc's exec fifo: start needs no state write.
        return record.status().equals("running") || !Files.exists(dir.startFifo()) ? ContainerState.RUNNING : ContainerState.CREATED;
    }

    /** Where the container's group is, in every hierarchy. */
    public CgroupPath cgroup() {
        return ContainerCgroups.of(record);
    }

    /** Whether the kernel's OOM killer struck inside this container, as docker's OOMKilled. */
    public boolean oomKilled() {
        // a missing group reads as UNKNOWN (-1): no listing of every hierarchy needed on each state() call
        return host.cgroups().stats(cgroup()).oomKills() > 0;
    }

    /** The container's cgroup counters now (CPU, memory, pids, I/O). */
    public CgroupStats stats() {
        return host.cgroups().stats(cgroup());
    }

    /** Changes the limits of a live container; limits not set in {@code limits} stay as they are. */
    public void update(Limits limits) {
        ContainerState s = state();
        if (s.isStopped() || s == ContainerState.DELETED) throw new EngineException("container " + id() + " is " + s.lower() + ": nothing to update");
        LimitChecks.check(limits, host.cgroups());
        host.cgroups().apply(cgroup(), limits);
    }

    /** Releases the start barrier: the container's process execs its command now. */
    public void start() {
        try (ContainerLock lock = ContainerLock.acquire(dir)) {
            // What another process did while this one waited for the lock counts.
            record = host.store().read(dir).orElseThrow(() -> new EngineException("container " + id() + " was removed meanwhile"));
            ContainerState s = state();
            if (!s.canStart()) throw new EngineException("container " + id() + " is " + s.lower() + ", only a created container can be started");
            int fd = Native.tryOpen(dir.startFifo().toString(), LibC.O_WRONLY | LibC.O_NONBLOCK);
            if (fd < 0) throw new EngineException("container " + id() + " is no longer waiting to start (its process is gone)");
            try {
                Native.writeFully(fd, new byte[] {'s'});
            } finally {
                Native.close(fd);
            }
            phases.put(Phase.STARTED, System.nanoTime());
            try { // the process has it open until its exec; its name says "not started", its new one when it started
                Files.move(dir.startFifo(), dir.started(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new EngineException("cannot rename the start fifo of " + id() + ": " + e.getMessage(), e);
            }
        }
        FaultInjection.at("STARTED", record.monitorPid(), record.pid());
    }

    /** Waits for the container's first process to exit and returns its exit code (128+n for signal n). */
    public int waitFor() {
        if (stage != null) {
            int code = stage.awaitExit();
            phases.putIfAbsent(Phase.EXITED, System.nanoTime());
            return code;
        }
        while (!state().isStopped() && state() != ContainerState.DELETED) sleep(5);
        phases.putIfAbsent(Phase.EXITED, System.nanoTime());
        return exitCode().orElse(-1);
    }

    /** Records that the owner saw the exit, so gc knows the container is not a leftover of a crash. */
    public void markExited() {
        record = record.withStatus("exited");
        host.store().write(dir, record);
    }

    /** The exit code the monitor reported (to this process) or recorded (for others), once the container has stopped. */
    public Optional<Integer> exitCode() {
        if (stage != null && stage.reaped()) return Optional.of(stage.awaitExit());
        try {
            return Optional.of(Integer.parseInt(Files.readString(dir.exitFile()).trim().split(" ")[0]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Sends a signal to the container's first process (PID 1 inside). */
    public void kill(int signal) {
        ContainerState s = state();
        if (!s.canKill()) throw new EngineException("container " + id() + " is " + s.lower() + ": nothing to kill");
        Native.kill(record.pid(), signal);
    }

    /** Runs a further process in the running container's namespaces and cgroup; returns its exit code. */
    public int exec(ExecSpec exec) {
        return exec(exec, pid -> { });
    }

    /** As {@link #exec(ExecSpec)}, telling {@code onPid} the process's host pid once it exists. */
    public int exec(ExecSpec exec, java.util.function.IntConsumer onPid) {
        ContainerState s = state();
        if (!s.canExec()) throw new EngineException("container " + id() + " is " + s.lower() + ": exec needs a running container");
        Plan plan = execPlan(exec);
        try (InitStage execStage = InitStage.spawn(host.binaries().init(), plan, exec.stdio())) {
            try {
                onPid.accept(execStage.awaitPid());
                execStage.awaitReady();
            } catch (EngineException e) {
                execStage.awaitExit();
                throw e;
            }
            return execStage.awaitExit();
        }
    }

    /**
     * Starts a further process in the container and leaves it to this process's subreaper, as {@code runc exec
     * --detach} does (a containerd shim reaps it); returns its host pid once it is about to exec.
     */
    public int execHandedOff(ExecSpec exec) {
        if (!exec.handOff()) throw new IllegalArgumentException("execHandedOff needs an ExecSpec with handOff set");
        ContainerState s = state();
        if (!s.canExec()) throw new EngineException("container " + id() + " is " + s.lower() + ": exec needs a running container");
        Plan plan = execPlan(exec);
        InitStage execStage = InitStage.spawn(host.binaries().init(), plan, exec.stdio());
        try {
            int pid = execStage.awaitPid();
            execStage.awaitReady();
            return pid;
        } finally {
            execStage.reapHandedOff();
        }
    }

    private Image image() {
        return host.images().find(record.config().image())
                .orElseThrow(() -> new EngineException("image " + record.config().image() + " of container " + id() + " is gone"));
    }

    /**
     * Kills whatever still runs and takes the container out of the store; its cgroup and files are removed in
     * the background ({@link Reaper}). Safe to call twice.
     */
    public void delete() {
        if (deleted) return;
        if (!Files.exists(dir.state())) { // removed by another process already
            deleted = true;
            return;
        }
        try (ContainerLock lock = ContainerLock.acquire(dir)) {
            if (!Files.exists(dir.state())) { // removed while this one waited for the lock
                deleted = true;
                return;
            }
            // Marked first: a delete cut short (a killed CLI) leaves a container gc always removes. One removed at
            // exit is such a leftover by definition once its monitor is gone, so it needs no mark.
            if (!record.config().ephemeral()) host.store().write(dir, record.withStatus("removing"));
            if (new ProcessInfo(record.pid(), record.pidStart()).isAlive()) Native.kill(record.pid(), 9);
            if (stage != null) {
                stage.kill();
            } else {
                ProcessInfo monitor = new ProcessInfo(record.monitorPid(), record.monitorStart());
                for (int i = 0; i < 2000 && monitor.isAlive(); i++) sleep(1);
            }
            FaultInjection.at("DELETING", record.monitorPid(), record.pid());
            if (record.address() != null && !record.address().isEmpty()) host.network().detach(id(), record.proxies());
            // A group a caller placed (OCI cgroupsPath) is gone when delete returns, as the runtime spec says
            if (record.config().cgroupsPath() != null) ContainerCgroups.remove(host.cgroups(), id(), dir.path());
            Path retired = host.store().retire(dir, record.config().name());
            FaultInjection.at("RETIRED", record.monitorPid(), record.pid());
            Reaper.remove(host.cgroups(), id(), retired);
        } catch (EngineException e) {
            if (!Files.exists(dir.path())) { // the lock file went with the directory: another delete won
                deleted = true;
                return;
            }
            throw e;
        }
        deleted = true;
        phases.put(Phase.DELETED, System.nanoTime());
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for a container", e);
        }
    }
}
