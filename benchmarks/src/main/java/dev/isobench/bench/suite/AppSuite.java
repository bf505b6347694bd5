package dev.isobench.bench.suite;

import dev.isobench.bench.app.Fio;
import dev.isobench.bench.app.Load;
import dev.isobench.bench.app.Measure;
import dev.isobench.bench.app.Nginx;
import dev.isobench.bench.app.Place;
import dev.isobench.bench.app.Postgres;
import dev.isobench.bench.app.Redis;
import dev.isobench.bench.app.SeedDir;
import dev.isobench.bench.app.Sysbench;
import dev.isobench.bench.app.Workload;
import dev.isobench.bench.process.Execution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a container costs a real application, after Felter et al. (IBM RC25482, 2014): Redis, PostgreSQL, nginx and
 * fio, with a CPU and memory control, on the host and in every target that can run them, with the knobs Felter
 * varied (the network path, where the data is) and the engine's own (seccomp, cgroup limits). Each run starts from
 * the same seed; the targets take turns in a shuffled order; the server is pinned to one CPU and the load generator
 * to another. A row per workload, target and setting: throughput (median over runs, with its interval), latency
 * percentiles, and the ratio to the host. See docs/app.md.
 */
public final class AppSuite implements Suite {
    public static final String NAME = "app";
    /** A server that does not answer within this long failed to start. */
    private static final long READY_MILLIS = 30_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        Profile.App p = ctx.profile().app();
        Path work = ctx.workspace().dir().resolve("app");
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : workloads(p)) {
            Optional<String> missing = w.missing();
            if (missing.isPresent()) ctx.skip(NAME, w.name(), missing.get() + "; scripts/setup installs them");
            else workloads.add(w);
        }
        if (workloads.isEmpty()) return;
        traversable(ctx.workspace().dir(), work);
        AppPlaces places = AppPlaces.discover(ctx, work, p.variants());
        ctx.progress().step(NAME, "seeds: the data every run starts from");
        Map<String, SeedDir> seeds = new LinkedHashMap<>();
        for (Workload w : List.copyOf(workloads)) {
            try {
                if (!seeds.containsKey(w.seedName())) seeds.put(w.seedName(), seed(ctx, work, w));
            } catch (RuntimeException e) {
                ctx.skip(NAME, w.name(), "its seed could not be made: " + e.getMessage());
                workloads.remove(w);
            }
        }
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            List<Integer> sweep = w.server() ? p.clients() : List.of(1);
            Budget workload = ctx.budget().share(1.0 / (workloads.size() - i));
            for (int j = 0; j < sweep.size(); j++) {
                Budget point = workload.share(1.0 / (sweep.size() - j));
                new AppMeasurement(ctx, w, sweep.get(j), places.applicable(w, sweep.get(j), p.variantClients()), seeds.get(w.seedName()), point).run();
            }
        }
    }

    /**
     * The servers run as nobody where they can (PostgreSQL must): the workspace (private to root) becomes
     * traversable, not listable, and the suite's own directory readable.
     */
    static void traversable(Path workspace, Path work) {
        try {
            Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectories(work);
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + work + " to the servers' user: " + e.getMessage(), e);
        }
    }

    private static SeedDir seed(SuiteContext ctx, Path work, Workload w) {
        SeedDir seed = seedDir(work, w.seedName());
        w.prepare(seed.host(), ctx.workspace().scratch());
        return seed;
    }

    /** An empty seed directory under the suite's own, readable by the servers' user. */
    static SeedDir seedDir(Path work, String name) {
        Path dir = work.resolve("seed").resolve(name);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the seed directory " + dir + ": " + e.getMessage(), e);
        }
        return new SeedDir(dir);
    }

    /** The profile's workloads, in its order. */
    static List<Workload> workloads(Profile.App p) {
        List<Workload> out = new ArrayList<>();
        for (String name : p.workloads()) {
            out.add(switch (name) {
                case "redis" -> new Redis();
                case "postgres-select" -> new Postgres("select", p.pgbenchScale());
                case "postgres-tpcb" -> new Postgres("tpcb", p.pgbenchScale());
                case "nginx-1k" -> new Nginx("1k");
                case "nginx-100k" -> new Nginx("100k");
                case "cpu", "memory" -> new Sysbench(name);
                default -> new Fio(name.substring("fio-".length()), p.fioFileMib());
            });
        }
        return out;
    }

    /** One run: a fresh session, the server started and awaited, the load generator's figures; nothing left after. */
    static Map<String, Measure> once(Workload w, Place place, SeedDir seed, Load load, Path scratch) {
        try (Place.Session s = place.open(seed)) {
            Execution e;
            if (w.server()) {
                s.serve(w.command(s.inside(), load));
                awaitReady(w, s, scratch);
                e = s.client(w.client(s.address(), s.port(), load));
            } else {
                e = s.run(w.command(s.inside(), load));
            }
            if (e.exitCode() != 0) {
                String said = (e.stderr().isBlank() ? e.stdout() : e.stderr()).strip();
                throw new IllegalStateException((w.server() ? "the load generator" : w.name()) + " exited " + e.exitCode() + ": "
                        + said.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("") + (w.server() ? serverSaid(s) : ""));
            }
            return w.parse(e.stdout());
        }
    }

    private static String serverSaid(Place.Session s) {
        String log = s.log().strip();
        return log.isEmpty() ? "" : "; the server said: " + log.lines().skip(Math.max(0, log.lines().count() - 3)).reduce((a, b) -> a + " | " + b).orElse("");
    }

    private static void awaitReady(Workload w, Place.Session s, Path scratch) {
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (w.ready(s.directAddress(), s.directPort(), scratch)) return;
            if (!s.alive()) throw new IllegalStateException(w.name() + "'s server exited before it answered" + serverSaid(s));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + w.name() + " started", e);
            }
        }
        throw new IllegalStateException(w.name() + "'s server did not answer within " + READY_MILLIS / 1000 + " s" + serverSaid(s));
    }

    /** The knobs a place varies must be ones the workload feels: a published port means nothing to fio. */
    static boolean applies(Set<Workload.Knob> varies, Workload w) {
        return new HashSet<>(w.knobs()).containsAll(varies);
    }
}
