package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.bench.explain.Profiler;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.TestEngine;
import dev.isobench.report.HtmlReport;
import dev.isobench.report.Manifest;
import dev.isobench.report.ResultsCsv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real startup suite with --explain on the host, the floor and the engine: the profiles are taken and read. */
@Tag("integration")
class ExplainRunTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void eachTargetsStartIsProfiledWithItsSystemCallsAndTheEnginesJavaIsNamed() throws Exception {
        Privileges.assumeRoot();
        Optional<String> why = new Profiler(t.root().resolve("perf-check"), List.of()).prepare();
        assumeTrue(why.isEmpty(), () -> "perf cannot profile here: " + why.orElse("") + " (scripts/setup installs linux-perf)");
        Path out = t.root().resolve("results");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Runner(t.engine(), RunnerTest.tiny(), List.of("startup"), Set.of("host", "engine", "floor"), out, Optional.empty(),
                dev.isobench.engine.spec.Seccomp.DEFAULT, List.of(), true).run(new Progress(new PrintStream(log), false));

        JsonNode index = new ObjectMapper().readTree(out.resolve("explain/startup/explain.json").toFile());
        Map<String, JsonNode> byTarget = new HashMap<>();
        index.path("targets").forEach(n -> byTarget.put(n.path("target").asText(), n));
        assertEquals(Set.of("host", "floor", "engine"), byTarget.keySet(), log.toString());
        for (JsonNode n : byTarget.values()) {
            assertTrue(n.path("ops").asLong() >= 10 && n.path("samples").asLong() > 0 && n.path("timed_ns").asDouble() > 0, n.toString());
            assertTrue(Files.size(out.resolve("explain/startup").resolve(n.path("folded").asText())) > 0, n.toString());
        }
        // the floor makes exactly one pivot_root per container: every one of its system calls was counted, by name
        JsonNode floor = byTarget.get("floor");
        assertEquals(floor.path("syscall_ops").asLong(), floor.path("syscalls").path("pivot_root").asLong(), floor.toString());
        assertEquals(0, byTarget.get("host").path("syscalls").path("pivot_root").asLong(), "the host's exec pivots nothing");
        String engine = Files.readString(out.resolve("explain/startup/engine.folded"));
        assertTrue(engine.lines().anyMatch(l -> l.startsWith("isobench-init;")), "the engine's monitor and container, followed from the JVM");
        assertTrue(engine.contains("dev.isobench.engine.") && engine.contains("_[j]"), "the engine's Java methods by name");
        assertTrue(engine.contains("_[k]"), "kernel frames");

        assertTrue(ResultsCsv.read(out.resolve("startup.csv")).rows().stream().anyMatch(r -> r.target().equals("engine") && r.variant().isEmpty()
                && r.metric().equals("ratio_vs_floor") && r.hasCi()), "the engine's distance from the floor");
        Manifest m = Manifest.read(out);
        assertTrue(m.run().path("explain_seconds").asDouble() > 0, m.run().toString());
        assertTrue(log.toString().contains("explain: profiling engine"), log.toString());
        String page = Files.readString(HtmlReport.render(out));
        assertTrue(page.contains("<h4>engine vs host</h4>") && page.contains("<h4>engine vs floor</h4>") && page.contains("<h4>floor vs host</h4>"));
        assertTrue(page.contains("class=flame"), "a differential flame graph");
        t.assertNoLeftovers();
    }

    @Test
    void wherePerfIsMissingItSaysSoInOneLine() {
        Optional<String> why = new Profiler(t.root().resolve("perf-check"), t.root().resolve("no-perf-here").toString(), List.of()).prepare();
        assertTrue(why.isPresent() && why.get().contains("apt-get install linux-perf") && !why.get().contains("\n"), why.toString());
    }
}
