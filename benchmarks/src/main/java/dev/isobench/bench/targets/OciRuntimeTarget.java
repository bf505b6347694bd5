package dev.isobench.bench.targets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.files.SafeDelete;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * runc, crun or runsc (gVisor) on a prepared OCI bundle of the probe rootfs. The bundle's config.json comes from the
 * runtime's own {@code spec} command; only args, terminal, root and cgroupsPath change. The config is
 * written before the timed region; the runtime's whole {@code run} (create, start, wait, delete) is timed.
 * Its cgroups go under isobench/, so they carry the engine's names and gc can find them.
 */
public final class OciRuntimeTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long PERIOD = 100_000;

    private final String runtime;
    private final String variant;
    /** What runs the runtime with its global flags: an optional launcher, the binary, flags before the verb. */
    private final List<String> command;
    private final Path bundle;
    private final Path scratch;
    /** The config.json every run starts from: the runtime's own spec with this target's root and limits. */
    private final ObjectNode template;
    /** create, start and delete as three calls, as a client such as podman makes them, instead of one run. */
    private final boolean verbs;

    /**
     * @param launcher what runs the runtime, e.g. nsenter into a mount namespace without the hybrid v2
     *                 mount for crun 1.8; empty for none
     */
    public OciRuntimeTarget(String runtime, List<String> launcher, Path bundle, Path rootfs, Path scratch) {
        this(runtime, "", append(launcher, runtime), bundle, rootfs, scratch);
    }

    /**
     * @param variant how this runtime is set up, e.g. runsc's platform
     * @param command the launcher, the runtime and its global flags (runsc's --root, --platform, --network)
     */
    public OciRuntimeTarget(String runtime, String variant, List<String> command, Path bundle, Path rootfs, Path scratch) {
        this.runtime = runtime;
        this.variant = variant;
        this.command = List.copyOf(command);
        this.bundle = bundle;
        this.scratch = scratch;
        this.verbs = false;
        try {
            Files.createDirectories(bundle);
            Files.deleteIfExists(bundle.resolve("config.json"));
            Processes.run(append(command, "spec", "--bundle", bundle.toString()), scratch).requireSuccess(runtime + " spec");
            template = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
            template.with("process").put("terminal", false);
            template.with("root").put("path", rootfs.toString()).put("readonly", false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare a " + runtime + " bundle in " + bundle + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return runtime;
    }

    @Override
    public String variant() {
        return variant;
    }

    /** The launcher, the runtime and its global flags: what runs this runtime as this target runs it. */
    public List<String> command() {
        return command;
    }

    private OciRuntimeTarget(OciRuntimeTarget base, ObjectNode template, boolean verbs) {
        this.runtime = base.runtime;
        this.variant = base.variant;
        this.command = base.command;
        this.bundle = base.bundle;
        this.scratch = base.scratch;
        this.template = template;
        this.verbs = verbs;
    }

    private OciRuntimeTarget(OciRuntimeTarget base, ObjectNode template) {
        this(base, template, base.verbs);
    }

    /**
     * The same runtime called verb by verb: create, start, delete --force, each a process, their times summed. The
     * container's own exit code is not seen (no one waits for it); the run fails if a verb does.
     */
    OciRuntimeTarget verbByVerb() {
        return new OciRuntimeTarget(this, template, true);
    }

    @Override
    public Optional<Target> cpuLimited(double cpus) {
        ObjectNode other = template.deepCopy();
        other.with("linux").with("resources").with("cpu").put("quota", Math.round(cpus * PERIOD)).put("period", PERIOD);
        return Optional.of(new OciRuntimeTarget(this, other));
    }

    @Override
    public Optional<Target> memoryLimited(long bytes) {
        ObjectNode other = template.deepCopy();
        other.with("linux").with("resources").with("memory").put("limit", bytes).put("swap", bytes);
        return Optional.of(new OciRuntimeTarget(this, other));
    }

    @Override
    public Optional<Target> onRootfs(Path rootfs) {
        ObjectNode other = template.deepCopy();
        other.with("root").put("path", rootfs.toString()).put("readonly", true);
        return Optional.of(new OciRuntimeTarget(this, other));
    }

    @Override
    public boolean userSpaceKernel() {
        return runtime.equals("runsc");
    }

    @Override
    public boolean ownTurns() {
        return userSpaceKernel();
    }

    @Override
    public Execution run(List<String> probeArgs) {
        String id = "isb-" + runtime + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        ObjectNode config = template.deepCopy();
        ArrayNode args = config.with("process").putArray("args").add("/probe");
        probeArgs.forEach(args::add);
        config.with("linux").put("cgroupsPath", "/isobench/" + id);
        Path own = bundle.resolve(id); // one bundle per run: concurrent runs (the storm) must not share a config
        try {
            Files.createDirectories(own);
            JSON.writeValue(own.resolve("config.json").toFile(), config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + own.resolve("config.json") + ": " + e.getMessage(), e);
        }
        boolean deleted = false;
        try {
            if (!verbs) return Processes.run(append(command, "run", "--bundle", own.toString(), id), scratch);
            long nanos = 0;
            for (List<String> verb : List.of(List.of("create", "--bundle", own.toString(), id), List.of("start", id), List.of("delete", "--force", id))) {
                Execution e = Processes.run(append(command, verb.toArray(String[]::new)), scratch);
                nanos += e.nanos();
                if (e.exitCode() != 0) return new Execution(nanos, e.exitCode(), e.stdout(), runtime + " " + verb.get(0) + ": " + e.stderr());
            }
            deleted = true;
            return new Execution(nanos, 0, "", "");
        } finally {
            // a no-op when run removed it already; verb by verb, only a run cut short has something left
            if (!deleted) Processes.run(append(command, "delete", "--force", id), scratch);
            SafeDelete.tree(own);
        }
    }

    private static List<String> append(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
