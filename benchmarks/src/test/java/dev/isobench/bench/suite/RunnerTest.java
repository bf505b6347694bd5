package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.bench.DocumentedFormats;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import dev.isobench.report.Manifest;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsCsv;
import dev.isobench.report.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real run of every suite with a tiny profile, on the host and the engine: the results contract holds. */
@Tag("integration")
class RunnerTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    /** The tiny profile made smaller, as a user's profile file that extends it; a 10-second budget, which every real run exceeds. */
    static Profile tiny() {
        return Profile.named(Path.of("src/test/resources/profiles/runner-test.json").toString());
    }

    @Test
    void everySuiteWritesRowsForEveryTargetAndTheManifestCompletes() throws Exception {
        Privileges.assumeRoot();
        Path out = t.root().resolve("results");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Runner(t.engine(), tiny(), List.copyOf(Runner.SUITES.keySet()), Set.of("host", "engine", "unshare"), out, Optional.empty())
                .run(new Progress(new PrintStream(log), false));
        Manifest m = Manifest.read(out);
        assertTrue(m.complete());
        assertEquals("runner-test", m.run().path("profile").path("name").asText());
        assertEquals(10, m.run().path("profile").path("budget_seconds").asInt(), "the profile is kept whole, as its file has it");
        assertFalse(m.host().path("kernel").asText().isEmpty());
        long rss = m.run().path("runner_peak_rss_mib").asLong(), heap = m.run().path("runner_max_heap_mib").asLong();
        assertTrue(rss > 16 && heap > 0, "the runner's footprint is recorded: " + m.run());
        double suites = 0;
        for (String suite : Runner.SUITES.keySet()) {
            double took = m.run().path("suite_seconds").path(suite).asDouble();
            assertTrue(took > 0, suite + "'s time is recorded: " + m.run().path("suite_seconds"));
            suites += took;
        }
        double wall = m.run().path("wall_seconds").asDouble();
        assertTrue(wall >= suites, "the run (" + wall + " s) holds its suites (" + suites + " s)");
        String warnings = m.root().path("warnings").toString();
        assertTrue(warnings.contains("of runner-test's 10 s"), "over budget, the manifest says so: " + warnings);
        for (String suite : Runner.SUITES.keySet()) {
            assertTrue(m.run().path("suite_budget_seconds").has(suite), "each suite's share of the budget is recorded: " + m.run());
        }
        var precision = m.run().path("precision");
        assertTrue(precision.size() >= 4, "the startup and syscall headlines' precision: " + precision);
        for (var p : precision) {
            assertTrue(p.path("samples").asInt() >= 2 && p.path("target").asDouble() == 0.05 && p.has("met"), p.toString());
        }
        assertTrue(log.toString().contains("warning: the run took "), "and so does the progress output");
        for (String suite : Runner.SUITES.keySet()) {
            ResultsCsv.Read read = ResultsCsv.read(out.resolve(suite + ".csv"));
            assertEquals(List.of(), read.problems());
            assertFalse(read.rows().isEmpty(), suite + " has rows");
            assertTrue(read.rows().stream().allMatch(r -> r.suite().equals(suite)));
        }
        List<ResultRow> syscall = ResultsCsv.read(out.resolve("syscall.csv")).rows();
        assertTrue(syscall.stream().anyMatch(r -> r.metric().equals("precision_ratio_vs_host") && r.benchmark().equals("getpid")),
                "the headline's precision beside it in the CSV");
        int turns = Samples.read(out).get("syscall|getpid|host||iters=200").size();
        assertTrue(turns >= 2 && turns <= 3, "the probe's runs (turns) lie within the profile's min_turns and max_turns: " + turns);
        Set<String> targets = syscall.stream().map(ResultRow::target).collect(Collectors.toSet());
        assertEquals(Set.of("host", "engine", "unshare"), targets);
        ResultRow ratio = syscall.stream().filter(r -> r.benchmark().equals("getpid") && r.metric().equals("ratio_vs_host")
                && r.variant().isEmpty()).findFirst().orElseThrow();
        assertTrue(ratio.hasCi() && ratio.ciLow() <= ratio.value() && ratio.value() <= ratio.ciHigh(), ratio.toString());
        List<ResultRow> startup = ResultsCsv.read(out.resolve("startup.csv")).rows();
        for (String variant : List.of("", "no-cgroup")) {
            ResultRow vsFloor = startup.stream().filter(r -> r.target().equals("engine") && r.variant().equals(variant)
                    && r.metric().equals("ratio_vs_unshare")).findFirst().orElseThrow(() -> new AssertionError("no ratio_vs_unshare for '" + variant + "'"));
            assertTrue(vsFloor.hasCi() && vsFloor.ciLow() <= vsFloor.value() && vsFloor.value() <= vsFloor.ciHigh(), vsFloor.toString());
        }
        List<ResultRow> rootfs = ResultsCsv.read(out.resolve("rootfs.csv")).rows();
        for (String mode : List.of("overlay", "copy")) {
            double provision = median(rootfs, "provision", mode), mount = median(rootfs, "provision-mount", mode);
            assertTrue(mount > 0 && provision > mount, mode + ": provisioning (" + provision + " ms) includes its real mount (" + mount + " ms)");
        }
        assertTrue(Files.list(out.resolve("hlog")).findAny().isPresent(), "HdrHistogram logs");
        assertTrue(log.toString().contains("syscall:"), "plain progress lines when not on a terminal");
        List<ResultRow> cgroup = ResultsCsv.read(out.resolve("cgroup.csv")).rows();
        double achieved = cgroup.stream().filter(r -> r.benchmark().equals("cpu-quota") && r.metric().equals("achieved_cpus"))
                .findFirst().orElseThrow().value();
        // the quota holds whatever else the machine does; on a busy machine the container may get less
        assertTrue(achieved > 0.05 && achieved < 0.6, "a 0.5 CPU quota measured from outside: " + achieved);
        double inside = cgroup.stream().filter(r -> r.benchmark().equals("cpu-quota") && r.metric().equals("achieved_cpus_inside"))
                .findFirst().orElseThrow().value();
        assertEquals(inside, achieved, 0.03 * inside, "the cgroup's count over the run's window agrees with the workload's own clock");
        List<ResultRow> app = ResultsCsv.read(out.resolve("app.csv")).rows();
        for (String target : List.of("host", "engine")) {
            ResultRow redis = app.stream().filter(r -> r.benchmark().equals("redis-get") && r.target().equals(target) && r.metric().equals("median"))
                    .findFirst().orElseThrow(() -> new AssertionError("no redis-get median for " + target + ": " + app));
            assertTrue(redis.samples() >= 2 && redis.hasCi() && redis.ciLow() <= redis.value() && redis.value() <= redis.ciHigh(),
                    "a real Redis answered every run, the runs give an interval: " + redis);
        }
        assertTrue(app.stream().anyMatch(r -> r.benchmark().equals("cpu") && r.target().equals("engine") && r.metric().equals("ratio_vs_host")
                && r.param().equals("seccomp=default,cgroup=none")), "the control's ratio to the host, its row naming the engine's knobs: " + app);
        DocumentedFormats.assertConforms(out);
        t.assertNoLeftovers();
    }

    private static double median(List<ResultRow> rows, String benchmark, String variant) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.variant().equals(variant) && r.metric().equals("median"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + benchmark + " median for " + variant)).value();
    }
}
