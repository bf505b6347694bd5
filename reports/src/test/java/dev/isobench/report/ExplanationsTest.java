package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explanations of a real quick run with --explain (dev-c, 2026-12-07, startup and syscall; fixture run-e keeps
 * every target's syscall profiles, and the startup suite's host and floor).
 */
class ExplanationsTest {
    @TempDir
    Path tmp;

    private Explanations.Suite suite(String name) throws Exception {
        return Explanations.load(Fixtures.copy("run-e", tmp)).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Differential.Result comparison(Explanations.Suite s, String target, String baseline) {
        return s.comparisons().stream().filter(r -> r.target().label().equals(target) && r.baseline().label().equals(baseline))
                .findFirst().orElseThrow(() -> new AssertionError("no " + target + " vs " + baseline + " in " + s.name()));
    }

    @Test
    void everyTargetIsSetAgainstTheHostAndTheEngineAgainstTheFloor() throws Exception {
        Explanations.Suite s = suite("syscall");
        assertEquals("call", s.unit());
        assertTrue(s.comparisons().stream().allMatch(r -> r.baseline().label().equals("host") || r.target().label().equals("engine")));
        comparison(s, "engine", "floor");
        comparison(s, "runc", "host");
    }

    @Test
    void aNamespacesStartIsExplainedByTheNetworkNamespaceAmongOthersAndTheRowsHoldMostOfIt() throws Exception {
        Differential.Result r = comparison(suite("startup"), "floor", "host");
        assertTrue(Differential.notable(r));
        assertTrue(r.coverage() >= Differential.ENOUGH, "coverage " + r.coverage());
        assertTrue(r.rows().stream().anyMatch(x -> (x.chain() + " " + x.frame()).contains("copy_net_ns")), "the net namespace's setup: " + r.rows());
        assertEquals(1.0, r.target().callsPerOp("pivot_root"), 0.0, "the floor pivots once per container");
    }

    @Test
    void theEnginesGetpidCostsItsSeccompFilterAndAPeersGetpidNothing() throws Exception {
        Explanations.Suite s = suite("syscall");
        Differential.Result engine = comparison(s, "engine", "floor");
        assertTrue(Differential.notable(engine));
        assertTrue(engine.rows().stream().anyMatch(x -> x.frame().contains("seccomp")), "Docker's filter, run on every call: " + engine.rows());
        Differential.Result runc = comparison(s, "runc", "host");
        assertFalse(Differential.notable(runc), "a getpid in runc's container is the host's: " + Differential.paragraph(runc, "call"));
    }

    @Test
    void aFlameGraphIsTheTargetsTreeWithItsDifferenceAtEachFrame() throws Exception {
        Differential.Result r = comparison(suite("startup"), "floor", "host");
        ObjectNode root = Explanations.flameGraph(r).orElseThrow();
        assertEquals(r.target().cpuNanos(), root.path("v").asDouble(), 0.01, "the root is the target's CPU per container");
        assertEquals(r.extraCpuNanos(), root.path("d").asDouble(), 0.01, "and its difference from the baseline");
        double children = 0;
        for (var c : root.path("c")) children += c.path("v").asDouble();
        assertTrue(children <= root.path("v").asDouble() + 0.01 && children > 0.9 * root.path("v").asDouble(), "frames under 0.1% left out, no more");
        List<String> names = root.path("c").findValuesAsText("n");
        assertTrue(names.contains("isobench-floor"), "the processes are the first frames: " + names);
    }
}
