package dev.isobench.bench.suite;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.rootfs.CopyProvisioner;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.rootfs.RootfsProvisioner;
import dev.isobench.engine.spec.RootfsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Copy-on-write vs full copy: provisioning time and bytes by image size (with cp -a as the reference),
 * first-write copy-up latency by file size, lookup latency by layer depth, and read throughput.
 */
public final class RootfsSuite implements Suite {
    static final String NAME = "rootfs";
    /** Overlay provisions per turn (copy and cp -a take one): 2 mkdirs and a mount are cheap, and noisy alone. */
    static final int OVERLAY_SAMPLES_PER_TURN = 20;
    /**
     * The rootfs size that stands for the host's own tree: its /usr, read in place as the image's one layer (a real
     * distribution's mix of files, gigabytes and a hundred thousand files), where the other sizes are synthetic images.
     */
    static final String HOST_TREE = "host";
    private static final Path HOST_TREE_DIR = Path.of("/usr");
    /** Where a synthetic image with one file keeps it (SyntheticTree's fixed layout). */
    static final String SINGLE_FILE = "/usr/share/synthetic/d00/d00/d00/f000000.dat";
    /** Reads of the file per run: a run costs a container start, a read of the cached 64 MiB file far less. */
    private static final int READ_REPS = 5;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        if (!ctx.wants("engine")) {
            ctx.skip(NAME, "all", "the engine target was not selected");
            return;
        }
        Profile.Rootfs p = ctx.profile().rootfs();
        List<RootfsMode> modes = modes(ctx);
        for (String size : p.sizes()) provisioning(ctx, size, modes);
        for (String size : p.copyUpSizes()) {
            for (RootfsMode mode : modes) copyUp(ctx, size, mode);
        }
        for (int depth : p.layerDepths()) lookups(ctx, depth);
        readThroughput(ctx, modes);
    }

    /** Overlay and copy always; reflink where the engine root's filesystem clones extents. */
    private static List<RootfsMode> modes(SuiteContext ctx) {
        if (CopyProvisioner.reflinkSupported(ctx.engine().root())) return List.of(RootfsMode.OVERLAY, RootfsMode.COPY, RootfsMode.REFLINK);
        ctx.skip(NAME, "reflink", "the engine root " + ctx.engine().root() + " is not on a filesystem that clones extents (btrfs, xfs)");
        return List.of(RootfsMode.OVERLAY, RootfsMode.COPY);
    }

    private static void provisioning(SuiteContext ctx, String size, List<RootfsMode> modes) {
        boolean hostTree = size.equals(HOST_TREE);
        Image image = hostTree ? hostTree(ctx) : synthetic(ctx, size);
        // The host's /usr takes a minute to copy here, and as long to delete: one turn.
        int runs = hostTree ? 1 : ctx.profile().rootfs().runs();
        ctx.progress().step(NAME, "provision overlay, copy and cp -a, " + size + ", in turns");
        Path layer = image.layers().get(0);
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        Map<String, List<Double>> mountMs = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) { // they take turns, so a drift in disk speed spreads over all
            for (RootfsMode mode : modes) {
                settleDisk(ctx);
                // An overlay takes a quarter of a millisecond: one sample per turn would leave its median to noise.
                int samples = mode == RootfsMode.OVERLAY ? OVERLAY_SAMPLES_PER_TURN : 1;
                for (int s = 0; s < samples; s++) {
                    Path dir = scratchDir(ctx);
                    try {
                        Rootfs r = RootfsProvisioner.of(mode).provision(image, dir);
                        double mount = mountNanos(ctx, r) / 1e6;
                        ms.computeIfAbsent(mode.name().toLowerCase(), m -> new ArrayList<>()).add(r.provisionNanos() / 1e6 + mount);
                        mountMs.computeIfAbsent(mode.name().toLowerCase(), m -> new ArrayList<>()).add(mount);
                        bytes.put(mode.name().toLowerCase(), r.bytesWritten());
                    } finally {
                        SafeDelete.tree(dir);
                    }
                }
            }
            settleDisk(ctx);
            Path dir = scratchDir(ctx);
            try {
                ms.computeIfAbsent("cp-a", m -> new ArrayList<>()).add(Processes.run(List.of("cp", "-a", "--no-target-directory",
                        layer.toString(), dir.resolve("rootfs").toString()), ctx.workspace().scratch()).requireSuccess("cp -a").nanos() / 1e6);
            } finally {
                SafeDelete.tree(dir);
            }
        }
        // The host tree's size is what the copy counted, after a label: Params.number reads what follows the colon.
        String param = "size=" + (hostTree ? "host-usr:" + Math.round(bytes.get("copy") / 1048576.0) + "m" : size);
        ms.forEach((variant, values) -> {
            boolean reference = variant.equals("cp-a");
            Rows.Key k = new Rows.Key(NAME, "provision", reference ? "cp-a" : "engine", reference ? "" : variant, param);
            Rows.summary(ctx, k, "ms", values.stream().mapToDouble(Double::doubleValue).toArray());
            if (!reference) ctx.write(k.row("bytes_written", "bytes", bytes.get(variant), values.size()));
        });
        // The copy against cp -a, turn by turn (the target: at most 1.0).
        List<double[]> reference = ms.get("cp-a").stream().map(v -> new double[] {v}).toList();
        for (String variant : List.of("copy", "reflink")) {
            if (!ms.containsKey(variant)) continue;
            Rows.ratioByRun(ctx, new Rows.Key(NAME, "provision", "engine", variant, param), "cp-a", reference,
                    ms.get(variant).stream().map(v -> new double[] {v}).toList());
        }
        mountMs.forEach((variant, values) -> Rows.summary(ctx, new Rows.Key(NAME, "provision-mount", "engine", variant, param),
                "ms", values.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static Image synthetic(SuiteContext ctx, String size) {
        ctx.progress().step(NAME, "generate synthetic:" + size);
        return ctx.engine().images().find("synthetic:" + size).orElseThrow();
    }

    /**
     * The host's /usr as an image, read once untimed: the copy and cp -a then start from the same warm page cache,
     * and the copy from the layer's facts, as in a synthetic image's later turns. Copied first, cold and walking the
     * tree, /usr took the copy 2.25x cp -a's time in one run here; read first, 0.92x and 1.46x in two.
     */
    private static Image hostTree(SuiteContext ctx) {
        ctx.progress().step(NAME, "the host's " + HOST_TREE_DIR + ", in place, as an image: read once, untimed");
        CopyProvisioner.learn(HOST_TREE_DIR);
        Processes.run(List.of("sh", "-c", "find " + HOST_TREE_DIR + " -xdev -type f -exec cat {} + >/dev/null"), ctx.workspace().scratch())
                .requireSuccess("reading " + HOST_TREE_DIR);
        return new Image("host " + HOST_TREE_DIR, "host-usr", List.of(HOST_TREE_DIR), List.of(), List.of(), List.of(), "", "");
    }

    /**
     * The rootfs's mount steps, run by the probe as the container's stage runs them, in a private mount namespace
     * of the probe's own (a JVM cannot unshare one: it has threads). Provisioning an overlay is its two mkdirs
     * plus this mount, which is most of it; a copy's is a bind mount.
     */
    private static long mountNanos(SuiteContext ctx, Rootfs r) {
        List<String> argv = new ArrayList<>(List.of(ctx.engine().binaries().probe().toString(), "mount-time"));
        for (Step step : r.mountSteps()) {
            switch (step.op()) {
                case MOUNT -> {
                    argv.add("mount");
                    argv.addAll(step.args().subList(0, 5)); // source, target, type, flags, data
                }
                case CHDIR -> {
                    argv.add("chdir");
                    argv.add(step.args().get(0));
                }
                default -> throw new IllegalStateException("a rootfs mount step the probe cannot time: " + step);
            }
        }
        return (long) value(Processes.run(argv, ctx.workspace().scratch()), "mount_ns");
    }

    /**
     * Writes out what the previous provisioning left (a deleted 1 GB copy still has journal and discard work
     * queued), outside the timed region: after a big copy, overlay's mkdirs measured 6x slower at 100m
     * than at 10m in one quick run, which was the disk's backlog, not the image size.
     */
    private static void settleDisk(SuiteContext ctx) {
        Processes.run(List.of("sync"), ctx.workspace().scratch()).requireSuccess("sync");
    }

    private static void copyUp(SuiteContext ctx, String size, RootfsMode mode) {
        ctx.progress().step(NAME, "first write " + size + " " + mode.name().toLowerCase());
        EngineTarget t = new EngineTarget(ctx.engine(), mode.name().toLowerCase(), b -> b.image("synthetic:" + size + ":1").rootfs(mode),
                ctx.workspace().scratch());
        int runs = ctx.profile().rootfs().runs();
        double[] ns = new double[runs];
        for (int i = 0; i < runs; i++) ns[i] = value(t.run(List.of("first-write", SINGLE_FILE)), "first_write_ns");
        Rows.summary(ctx, new Rows.Key(NAME, "first-write", "engine", mode.name().toLowerCase(), "size=" + size), "ns", ns);
    }

    private static void lookups(SuiteContext ctx, int depth) {
        ctx.progress().step(NAME, "lookup through " + depth + " layers");
        EngineTarget t = new EngineTarget(ctx.engine(), "overlay", b -> b.image("layers:" + depth), ctx.workspace().scratch());
        for (String kind : List.of("existing", "missing")) {
            String path = kind.equals("existing") ? "/usr/share/layer0/file" : "/usr/share/no-such-file";
            double[] ns = new double[ctx.profile().rootfs().runs()];
            for (int i = 0; i < ns.length; i++) ns[i] = value(t.run(List.of("lookup", path, "20000")), "ns_per_op");
            Rows.summary(ctx, new Rows.Key(NAME, "lookup-" + kind, "engine", "overlay", "layers=" + depth), "ns", ns);
        }
    }

    /**
     * Read of one 64 MiB file: host (the layer itself), overlay and copy, and the OCI peers (runc, crun, gVisor)
     * on the layer read-only; warm (from the page cache) and
     * cold (that file's cached pages dropped first, through overlayfs the lower file's), {@link #READ_REPS}
     * reads a run. They all take turns, after one untimed turn, so a drift of the machine or of the
     * hypervisor's own disk cache does not fall on whichever ran first.
     */
    private static void readThroughput(SuiteContext ctx, List<RootfsMode> modes) {
        String ref = "synthetic:64m:1";
        Path layer = ctx.engine().images().find(ref).orElseThrow().layers().get(0);
        Path file = layer.resolve(SINGLE_FILE.substring(1));
        Path probe = ctx.workspace().probeRootfs().resolve("probe");
        for (String cache : List.of("warm", "cold")) {
            Map<String, Supplier<Execution>> readers = new LinkedHashMap<>();
            List<String> hostArgv = List.of(probe.toString(), "read-file", file.toString(), cache, Integer.toString(READ_REPS));
            readers.put("host", () -> Processes.run(hostArgv, ctx.workspace().scratch()));
            List<String> args = List.of("read-file", SINGLE_FILE, cache, Integer.toString(READ_REPS));
            for (RootfsMode mode : modes) {
                EngineTarget t = new EngineTarget(ctx.engine(), mode.name().toLowerCase(), b -> b.image(ref).rootfs(mode), ctx.workspace().scratch());
                readers.put(mode.name().toLowerCase(), () -> t.run(args));
            }
            // The OCI peers on the image's layer itself, read-only: runc's and crun's a bind mount, gVisor's its gofer
            Map<String, Target> peers = new LinkedHashMap<>();
            for (Target t : ctx.processTargets()) t.onRootfs(layer).ifPresent(on -> peers.put(t.label(), on));
            peers.forEach((label, t) -> readers.put(label, () -> t.run(args)));
            ctx.progress().step(NAME, "read 64m " + cache + ": " + String.join(", ", readers.keySet()) + " in turns");
            readers.values().forEach(r -> values(r.get(), "bytes_per_s"));
            Map<String, List<double[]>> bps = new LinkedHashMap<>(); // one run per process: intervals over runs
            List<String> order = new ArrayList<>(readers.keySet());
            for (int i = 0; i < ctx.profile().rootfs().runs(); i++) {
                for (String name : order) {
                    bps.computeIfAbsent(name, x -> new ArrayList<>()).add(values(readers.get(name).get(), "bytes_per_s"));
                }
                Collections.rotate(order, 1);
            }
            List<double[]> host = bps.get("host");
            Rows.summaryRuns(ctx, new Rows.Key(NAME, "read-" + cache, "host", "", "size=64m"), "bytes/s", host);
            for (RootfsMode mode : modes) {
                Rows.Key k = new Rows.Key(NAME, "read-" + cache, "engine", mode.name().toLowerCase(), "size=64m");
                List<double[]> through = bps.get(mode.name().toLowerCase());
                Rows.summaryRuns(ctx, k, "bytes/s", through);
                Rows.ratioByRun(ctx, k, "host", host, through);
            }
            for (Target t : ctx.processTargets()) {
                if (!peers.containsKey(t.label())) continue;
                Rows.Key k = new Rows.Key(NAME, "read-" + cache, t.name(), t.variant(), "size=64m");
                Rows.summaryRuns(ctx, k, "bytes/s", bps.get(t.label()));
                Rows.ratioByRun(ctx, k, "host", host, bps.get(t.label()));
            }
        }
    }

    /** Every value the probe printed under this key, in order; it must have printed one. */
    private static double[] values(Execution e, String key) {
        e.requireSuccess("probe");
        double[] v = e.stdout().lines().filter(l -> l.startsWith(key + " ")).mapToDouble(l -> Double.parseDouble(l.substring(key.length() + 1))).toArray();
        if (v.length == 0) throw new IllegalStateException("probe printed no " + key + ": " + e.stdout());
        return v;
    }

    static double value(Execution e, String key) {
        return values(e, key)[0];
    }

    private static Path scratchDir(SuiteContext ctx) {
        try {
            return Files.createTempDirectory(Files.createDirectories(ctx.workspace().dir().resolve("rootfs")), "p-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
