package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.bench.target.Execution;
import dev.isobench.bench.target.Processes;
import dev.isobench.engine.runtime.NativeBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syscall suite's reading of one probe run that measures several ops. */
class BenchOutputTest {
    @TempDir
    Path dir;

    @Test
    void theRealProbeMeasuresEveryOpInOrderAndAFailingOpLosesOnlyItself() {
        Path probe = NativeBinaries.unpack(dir.resolve("root")).probe();
        Execution run = Processes.run(List.of(probe.toString(), "bench", "getpid", "2", "100", "no-such-op", "1", "10", "getppid", "3", "100"), dir);
        assertEquals(1, run.exitCode(), "an op failed: " + run.stdout());
        BenchOutput out = BenchOutput.of(run);
        assertTrue(out.ran());
        assertEquals(List.of("getpid", "getppid"), List.copyOf(out.samples().keySet()));
        assertEquals(2, out.samples().get("getpid").size());
        assertEquals(3, out.samples().get("getppid").size());
        assertTrue(out.samples().get("getpid").stream().allMatch(ns -> ns > 0), out.samples().toString());
        assertEquals(List.of("no-such-op"), List.copyOf(out.failures().keySet()));
        assertTrue(out.failures().get("no-such-op").contains("Invalid argument"), out.failures().toString());
    }

    @Test
    void aProbeKilledInsideAnOpLosesThatOpAndKeepsTheOnesBefore() {
        BenchOutput out = BenchOutput.of(new Execution(1, 159, "bench getpid\nns_per_op 1000.5\nbench fork\nns_per_op 5\n", "Bad system call"));
        assertEquals(Map.of("getpid", List.of(1000.5)), out.samples());
        assertTrue(out.failures().get("fork").startsWith("probe exited 159: Bad system call"), out.failures().toString());
    }

    @Test
    void aProbeThatNeverRanTakesEveryOpOut() {
        BenchOutput out = BenchOutput.of(new Execution(1, 125, "", "Error: no such image"));
        assertFalse(out.ran());
        assertTrue(out.samples().isEmpty());
    }
}
