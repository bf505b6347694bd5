package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.bench.app.EnginePlace;
import dev.isobench.bench.app.HostPlace;
import dev.isobench.bench.app.HostRoot;
import dev.isobench.bench.app.Inside;
import dev.isobench.bench.app.Load;
import dev.isobench.bench.app.Measure;
import dev.isobench.bench.app.OciPlace;
import dev.isobench.bench.app.Pinning;
import dev.isobench.bench.app.Place;
import dev.isobench.bench.app.Postgres;
import dev.isobench.bench.app.Redis;
import dev.isobench.bench.app.SeedDir;
import dev.isobench.bench.app.Workload;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.OciRuntimeTarget;
import dev.isobench.bench.targets.Targets;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import dev.isobench.engine.spec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application suite's places with real servers: the same Redis and PostgreSQL answer their load generators on the
 * host, in the engine (host network, a published port, the container's own layer) and under runc, and every session
 * leaves nothing: no container, no process working in its directories, no data.
 */
@Tag("integration")
class AppPlacesTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private static void assumeInstalled(Workload w) {
        assumeTrue(w.missing().isEmpty(), w.name() + ": " + w.missing().orElse("") + " (scripts/setup installs it)");
    }

    @Test
    void redisAndPostgresAnswerInEveryPlaceAndEachSessionLeavesNothing() throws Exception {
        Privileges.assumeRoot();
        Redis redis = new Redis();
        Postgres postgres = new Postgres("select", 1);
        assumeInstalled(redis);
        assumeInstalled(postgres);
        Pinning pin = Pinning.of(Runtime.getRuntime().availableProcessors());
        try (Workspace ws = new Workspace(t.engine()); Targets targets = Targets.discover(t.engine(), ws, Set.of("runc"))) {
            Path work = ws.dir().resolve("app");
            AppSuite.traversable(ws.dir(), work);
            Path runs = work.resolve("runs");
            List<Place> places = new ArrayList<>(List.of(new HostPlace(runs, pin),
                    new EnginePlace(t.engine(), runs, pin, EnginePlace.Net.HOST, EnginePlace.Storage.VOLUME, Seccomp.DEFAULT, "default", Optional.empty()),
                    new EnginePlace(t.engine(), runs, pin, EnginePlace.Net.PUBLISHED, EnginePlace.Storage.LAYER, Seccomp.DEFAULT, "default", Optional.empty())));
            targets.found().stream().filter(x -> x instanceof OciRuntimeTarget).findFirst().ifPresent(runc ->
                    places.add(new OciPlace("runc", "", ((OciRuntimeTarget) runc).command(), HostRoot.make(work.resolve("host-root")), runs, pin)));
            SeedDir redisSeed = AppSuite.seedDir(work, "redis"), pgSeed = AppSuite.seedDir(work, "postgres");
            postgres.prepare(pgSeed.host(), ws.scratch());
            for (Place p : places) {
                Map<String, Measure> r = AppSuite.once(redis, p, redisSeed, new Load(2, 0.5, 20_000), ws.scratch());
                assertTrue(r.get("redis-get").throughput() > 0 && r.get("redis-set").throughput() > 0, p.target() + " " + p.settings() + ": " + r);
                Map<String, Measure> pg = AppSuite.once(postgres, p, pgSeed, new Load(2, 1, Double.NaN), ws.scratch());
                assertTrue(pg.get("postgres-select").p99Micros() >= pg.get("postgres-select").p50Micros(), p.target() + ": " + pg);
                assertNothingLeft(runs);
            }
        }
        t.assertNoLeftovers();
    }

    /** A server that exits at once fails the run with its own words, and its session still leaves nothing. */
    @Test
    void aServerThatExitsBeforeItAnswersFailsTheRunWithItsOwnWords() throws Exception {
        Privileges.assumeRoot();
        Workload broken = new BrokenServer();
        try (Workspace ws = new Workspace(t.engine())) {
            Path runs = ws.dir().resolve("runs");
            Pinning pin = Pinning.of(Runtime.getRuntime().availableProcessors());
            for (Place p : List.of(new HostPlace(runs, pin),
                    new EnginePlace(t.engine(), runs, pin, EnginePlace.Net.HOST, EnginePlace.Storage.VOLUME, Seccomp.DEFAULT, "default", Optional.empty()))) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> AppSuite.once(broken, p, AppSuite.seedDir(ws.dir(), "broken"), new Load(1, 0.5, Double.NaN), ws.scratch()));
                assertTrue(e.getMessage().contains("exited before it answered") && e.getMessage().contains("cannot read its configuration"), e.getMessage());
                assertNothingLeft(runs);
            }
        }
        t.assertNoLeftovers();
    }

    /** A server that never answers: it says why and exits. */
    private static final class BrokenServer implements Workload {
        public String name() { return "broken"; }
        public List<String> benchmarks() { return List.of("broken"); }
        public String unit() { return "req/s"; }
        public boolean server() { return true; }
        public Set<Knob> knobs() { return Set.of(Knob.NET); }
        public Map<String, String> programs() { return Map.of(); }
        public List<String> command(Inside in, Load load) { return List.of("/bin/sh", "-c", "echo cannot read its configuration >&2; exit 3"); }
        public List<String> client(String address, int port, Load load) { return List.of("true"); }
        public boolean ready(String address, int port, Path scratch) { return false; }
        public Map<String, Measure> parse(String output) { throw new AssertionError("never parsed"); }
    }


    private static void assertNothingLeft(Path runs) throws Exception {
        try (Stream<Path> left = Files.list(runs)) {
            assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().contains("-spec-")).toList(), "a session's directories outlive it");
        }
        String containers = Processes.run(List.of("sh", "-c", "runc list --quiet 2>/dev/null | grep '^isb-app-' || true"), runs).stdout().trim();
        assertEquals("", containers, "runc containers outlive their session");
        long working = ProcessHandle.allProcesses().filter(ph -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + ph.pid() + "/cwd")).startsWith(runs);
            } catch (Exception e) {
                return false;
            }
        }).count();
        assertEquals(0, working, "processes still work in a session's directory");
    }
}
