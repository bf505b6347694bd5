package dev.isobench.bench.suite;

import dev.isobench.bench.target.EngineTarget;
import dev.isobench.bench.target.Execution;
import dev.isobench.bench.target.Processes;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.rootfs.Rootfs;
import dev.isobench.engine.rootfs.RootfsProvisioner;
import dev.isobench.engine.runtime.SafeDelete;
import dev.isobench.engine.spec.RootfsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Copy-on-write vs full copy: provisioning time and bytes by image size (with cp -a as the reference),
 * first-write copy-up latency by file size, lookup latency by layer depth, and read throughput.
 */
public final class RootfsSuite implements Suite {
    static final String NAME = "rootfs";
    /** Where a synthetic image with one file keeps it (SyntheticTree's fixed layout). */
    static final String SINGLE_FILE = "/usr/share/synthetic/d00/d00/d00/f000000.dat";

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
        Profile p = ctx.profile();
        ctx.progress().plan(p.rootfsSizes().size() * 3 + p.copyUpSizes().size() * 2 + p.layerDepths().size() + 3);
        for (String size : p.rootfsSizes()) provisioning(ctx, size);
        for (String size : p.copyUpSizes()) {
            for (RootfsMode mode : RootfsMode.values()) copyUp(ctx, size, mode);
        }
        for (int depth : p.layerDepths()) lookups(ctx, depth);
        readThroughput(ctx);
    }

    private static void provisioning(SuiteContext ctx, String size) {
        String ref = "synthetic:" + size;
        ctx.progress().step(NAME, "generate " + ref);
        Image image = ctx.engine().images().find(ref).orElseThrow();
        int runs = ctx.profile().rootfsRuns();
        for (RootfsMode mode : RootfsMode.values()) {
            ctx.progress().step(NAME, "provision " + mode.name().toLowerCase() + " " + size);
            double[] ms = new double[runs];
            long bytes = 0;
            for (int i = 0; i < runs; i++) {
                Path dir = scratchDir(ctx);
                try {
                    Rootfs r = RootfsProvisioner.of(mode).provision(image, dir);
                    ms[i] = r.provisionNanos() / 1e6;
                    bytes = r.bytesWritten();
                } finally {
                    SafeDelete.tree(dir);
                }
            }
            Rows.Key k = new Rows.Key(NAME, "provision", "engine", mode.name().toLowerCase(), "size=" + size);
            Rows.summary(ctx, k, "ms", ms);
            ctx.write(k.row("bytes_written", "bytes", bytes, runs));
        }
        double[] cp = new double[runs];
        Path layer = image.layers().get(0);
        for (int i = 0; i < runs; i++) {
            Path dir = scratchDir(ctx);
            try {
                cp[i] = Processes.run(List.of("cp", "-a", "--no-target-directory", layer.toString(), dir.resolve("rootfs").toString()),
                        ctx.workspace().scratch()).requireSuccess("cp -a").nanos() / 1e6;
            } finally {
                SafeDelete.tree(dir);
            }
        }
        Rows.summary(ctx, new Rows.Key(NAME, "provision", "cp-a", "", "size=" + size), "ms", cp);
    }

    private static void copyUp(SuiteContext ctx, String size, RootfsMode mode) {
        ctx.progress().step(NAME, "first write " + size + " " + mode.name().toLowerCase());
        EngineTarget t = new EngineTarget(ctx.engine(), mode.name().toLowerCase(), b -> b.image("synthetic:" + size + ":1").rootfs(mode),
                ctx.workspace().scratch());
        int runs = ctx.profile().rootfsRuns();
        double[] ns = new double[runs];
        for (int i = 0; i < runs; i++) ns[i] = value(t.run(List.of("first-write", SINGLE_FILE)), "first_write_ns");
        Rows.summary(ctx, new Rows.Key(NAME, "first-write", "engine", mode.name().toLowerCase(), "size=" + size), "ns", ns);
    }

    private static void lookups(SuiteContext ctx, int depth) {
        ctx.progress().step(NAME, "lookup through " + depth + " layers");
        EngineTarget t = new EngineTarget(ctx.engine(), "overlay", b -> b.image("layers:" + depth), ctx.workspace().scratch());
        for (String kind : List.of("existing", "missing")) {
            String path = kind.equals("existing") ? "/usr/share/layer0/file" : "/usr/share/no-such-file";
            double[] ns = new double[ctx.profile().rootfsRuns()];
            for (int i = 0; i < ns.length; i++) ns[i] = value(t.run(List.of("lookup", path, "20000")), "ns_per_op");
            Rows.summary(ctx, new Rows.Key(NAME, "lookup-" + kind, "engine", "overlay", "layers=" + depth), "ns", ns);
        }
    }

    /** Warm-cache read of one 64 MiB file: host (the layer itself), overlay and copy. */
    private static void readThroughput(SuiteContext ctx) {
        String ref = "synthetic:64m:1";
        Path file = ctx.engine().images().find(ref).orElseThrow().layers().get(0).resolve(SINGLE_FILE.substring(1));
        ctx.progress().step(NAME, "read 64m host");
        double[] host = new double[ctx.profile().rootfsRuns()];
        for (int i = 0; i < host.length; i++) {
            host[i] = value(Processes.run(List.of(ctx.workspace().probeRootfs().resolve("probe").toString(), "read-file", file.toString()),
                    ctx.workspace().scratch()), "bytes_per_s");
        }
        Rows.summary(ctx, new Rows.Key(NAME, "read-warm", "host", "", "size=64m"), "bytes/s", host);
        for (RootfsMode mode : RootfsMode.values()) {
            ctx.progress().step(NAME, "read 64m " + mode.name().toLowerCase());
            EngineTarget t = new EngineTarget(ctx.engine(), mode.name().toLowerCase(), b -> b.image(ref).rootfs(mode), ctx.workspace().scratch());
            double[] bps = new double[host.length];
            for (int i = 0; i < bps.length; i++) bps[i] = value(t.run(List.of("read-file", SINGLE_FILE)), "bytes_per_s");
            Rows.Key k = new Rows.Key(NAME, "read-warm", "engine", mode.name().toLowerCase(), "size=64m");
            Rows.summary(ctx, k, "bytes/s", bps);
            Rows.ratio(ctx, k, host, bps);
        }
    }

    static double value(Execution e, String key) {
        e.requireSuccess("probe");
        return e.stdout().lines().filter(l -> l.startsWith(key + " ")).mapToDouble(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new IllegalStateException("probe printed no " + key + ": " + e.stdout()));
    }

    private static Path scratchDir(SuiteContext ctx) {
        try {
            return Files.createTempDirectory(Files.createDirectories(ctx.workspace().dir().resolve("rootfs")), "p-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
