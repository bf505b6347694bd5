package dev.isobench.engine.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.Engine;
import dev.isobench.engine.files.AtomicFile;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The OCI runtime verbs over the engine: what {@code runc create|start|state|kill|delete|exec|ps|update} do, with
 * runc's messages for the errors clients match on ("container does not exist", "container not running"). A
 * container is handed to the caller's subreaper once created (no monitor stays), as runc's and crun's are.
 */
public final class OciRuntime {
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final Consumer<String> warn;

    /** @param warn where warnings go (the runtime's log): a poststart hook that failed, a limit the host lacks */
    public OciRuntime(Engine engine, Consumer<String> warn) {
        this.engine = engine;
        this.warn = warn;
    }

    public void create(String id, Path bundleDir, Optional<Path> pidFile, Optional<String> consoleSocket, boolean noPivot) {
        checkId(id);
        if (engine.findExact(id).isPresent()) throw new EngineException("container with id exists: " + id);
        Bundle bundle = ConfigReader.read(bundleDir, id, consoleSocket, noPivot);
        bundle.warnings().forEach(warn);
        ContainerSpec spec = withoutUnsupportedSwap(bundle.spec());
        Container c = engine.create(spec);
        try {
            new Sidecar(bundle.dir().toString(), spec.image(), bundle.ociVersion(), bundle.annotations(), Instant.now().toString(),
                    bundle.hooks().poststart(), bundle.hooks().poststop()).write(c.dir().path());
            String state = json(state(c));
            for (Hook h : bundle.hooks().prestart()) HookRunner.run(h, "prestart", state);
            for (Hook h : bundle.hooks().createRuntime()) HookRunner.run(h, "createRuntime", state);
            if (pidFile.isPresent()) writePidFile(pidFile.get(), c.pid());
        } catch (RuntimeException e) {
            try {
                c.delete();
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    public void start(String id) {
        Container c = find(id);
        ContainerState s = c.state();
        if (s == ContainerState.RUNNING) throw new EngineException("cannot start an already running container");
        if (s.isStopped()) throw new EngineException("cannot start a container that has stopped");
        c.start();
        String state = json(state(c));
        for (Hook h : Sidecar.read(c.dir().path()).poststart()) {
            try {
                HookRunner.run(h, "poststart", state);
            } catch (EngineException e) {
                warn.accept(e.getMessage()); // the spec: a failed poststart hook is a warning, the container runs on
            }
        }
    }

    public OciState state(String id) {
        return state(find(id));
    }

    public List<OciState> list() {
        List<OciState> all = new ArrayList<>();
        for (Container c : engine.list()) {
            try {
                all.add(state(c));
            } catch (EngineException e) {
                // a container of the engine's own CLI in this root, or one being deleted: not an OCI container
            }
        }
        return all;
    }

    public void kill(String id, int signal, boolean all) {
        Container c = find(id);
        if (!c.state().canKill()) throw new EngineException("container not running");
        if (all) {
            for (int pid : engine.cgroups().pids(c.cgroup())) Native.kill(pid, signal);
        } else {
            c.kill(signal);
        }
    }

    public void delete(String id, boolean force) {
        Optional<Container> found = engine.findExact(id);
        if (found.isEmpty()) {
            if (force) return;
            throw new EngineException("container does not exist");
        }
        Container c = found.get();
        ContainerState s = c.state();
        if (s == ContainerState.RUNNING && !force) {
            throw new EngineException("cannot delete container " + id + " that is not stopped: running");
        }
        Sidecar sidecar = Sidecar.read(c.dir().path());
        String state = json(state(c, sidecar));
        c.delete();
        for (Hook h : sidecar.poststop()) {
            try {
                HookRunner.run(h, "poststop", state);
            } catch (EngineException e) {
                warn.accept(e.getMessage()); // the spec: a failed poststop hook is a warning, the delete is done
            }
        }
    }

    /** The host pids of every process in the container's cgroup. */
    public List<Integer> pids(String id) {
        return engine.cgroups().pids(find(id).cgroup());
    }

    /**
     * Runs a further process; detached, it is left to the caller's subreaper and 0 returned once it is about to
     * exec, else its exit code once it is done.
     */
    public int exec(String id, ExecSpec exec, Optional<Path> pidFile) {
        Container c = find(id);
        if (!c.state().canExec()) throw new EngineException("cannot exec in a stopped container");
        if (exec.handOff()) {
            int pid = c.execHandedOff(exec);
            if (pidFile.isPresent()) writePidFile(pidFile.get(), pid);
            return 0;
        }
        return c.exec(exec, pid -> pidFile.ifPresent(f -> writePidFile(f, pid)));
    }

    public void update(String id, Limits limits) {
        find(id).update(withoutUnsupportedSwap(limits));
    }

    private Container find(String id) {
        checkId(id);
        return engine.findExact(id).orElseThrow(() -> new EngineException("container does not exist"));
    }

    private OciState state(Container c) {
        return state(c, Sidecar.read(c.dir().path()));
    }

    private static OciState state(Container c, Sidecar s) {
        ContainerState state = c.state();
        String status = switch (state) {
            case CREATED -> "created";
            case RUNNING -> "running";
            default -> "stopped";
        };
        return new OciState(OciState.SPEC_VERSION, c.name(), status, state.isStopped() ? 0 : c.pid(), s.bundle(), s.rootfs(), s.created(),
                "", s.annotations());
    }

    /**
     * runc's rule for what a host cannot set: without swap accounting the memory limit holds and the swap part is left
     * out, and on cgroup v2 swappiness and the OOM killer switch are left out (v2 has neither), each with a warning.
     */
    private ContainerSpec withoutUnsupportedSwap(ContainerSpec spec) {
        Limits l = withoutUnsupportedSwap(spec.limits());
        return l == spec.limits() ? spec : spec.toBuilder().limits(l).build();
    }

    private Limits withoutUnsupportedSwap(Limits l) {
        Limits.Builder b = Limits.Builder.of(l);
        if (l.memorySwap().isPresent() && !engine.cgroups().supportsSwapLimit()) {
            warn.accept("linux.resources.memory.swap is not applied: this host's " + engine.cgroups().version()
                    + " cgroups have no swap accounting (the memory limit is)");
            b.memorySwap(OptionalLong.empty());
        }
        if ((l.memorySwappiness().isPresent() || l.oomKillDisable().isPresent()) && engine.cgroups().version().equals("v2")) {
            warn.accept("linux.resources.memory.swappiness and disableOOMKiller are not applied: cgroup v2 has neither per group");
            b.memorySwappiness(OptionalLong.empty()).oomKillDisable(Optional.empty());
        }
        Limits without = b.build();
        return without.equals(l) ? l : without;
    }

    static void checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new EngineException("invalid id format: '" + id + "' (letters, digits and _ . + -, at most 128 characters, no slash)");
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePidFile(Path file, int pid) {
        try {
            AtomicFile.write(file.toAbsolutePath(), Integer.toString(pid).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new EngineException("cannot write the pid file " + file + ": " + e.getMessage(), e);
        }
    }
}
