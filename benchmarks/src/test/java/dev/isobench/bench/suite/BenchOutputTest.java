package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.files.NativeBinaries;
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
    void probesStartedTogetherTakeTheirBatchesInTurnsAndWaitForTheirSlots() throws Exception {
        Path probe = NativeBinaries.unpack(dir.resolve("root")).probe();
        int targets = 3;
        long slot = 20_000_000; // 20 ms: batches of 200 getpid take well under 1 ms even on a slow machine
        long t0 = System.nanoTime() + 300_000_000L;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(targets);
        try {
            List<java.util.concurrent.Future<Execution>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < targets; i++) {
                List<String> command = List.of(probe.toString(), "bench-slots", Long.toString(t0), Integer.toString(targets), Integer.toString(i),
                        "getpid", "3", "200", Long.toString(slot), "getppid", "2", "200", Long.toString(slot));
                runs.add(pool.submit(() -> Processes.run(command, dir)));
            }
            long window = (3 + 1) * targets * slot + (2 + 1) * targets * slot;
            List<BenchOutput> outs = new java.util.ArrayList<>();
            for (var f : runs) {
                Execution run = f.get();
                assertEquals(0, run.exitCode(), run.stderr());
                BenchOutput out = BenchOutput.of(run);
                assertEquals(3, out.samples().getOrDefault("getpid", List.of()).size() + out.late().get("getpid"), run.stdout());
                assertEquals(2, out.samples().getOrDefault("getppid", List.of()).size() + out.late().get("getppid"), run.stdout());
                assertEquals(out.samples().get("getpid").size(), out.spans().get("getpid").size(), "a span for every timed batch");
                assertEquals(2, out.untimed().size(), "an untimed batch per op");
                outs.add(out);
            }
            // taken in turns, no batch of one probe ran while another's did
            assertEquals(outs, BenchOutput.withoutOverlaps(outs));
            // every probe waited for its slots: the last slot of the schedule begins one slot before its end
            assertTrue(System.nanoTime() >= t0 + window - slot, "the probes returned before their schedule ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aProbeThatStartsAfterItsSlotsReportsThemLateInsteadOfMeasuring() {
        Path probe = NativeBinaries.unpack(dir.resolve("root")).probe();
        long past = System.nanoTime() - 10_000_000_000L;
        Execution run = Processes.run(List.of(probe.toString(), "bench-slots", Long.toString(past), "2", "1", "getpid", "4", "100", "1000000"), dir);
        assertEquals(0, run.exitCode(), run.stderr());
        BenchOutput out = BenchOutput.of(run);
        assertTrue(out.samples().isEmpty(), out.samples().toString());
        assertEquals(Map.of("getpid", 4), out.late());
    }

    @Test
    void batchesThatRanWhileAnotherProbesDidAreDroppedAsLate() {
        BenchOutput a = BenchOutput.of(new Execution(1, 0, "bench getpid\nuntimed 0 10\nns_per_op 1000 100 110\nns_per_op 1001 300 350\n"
                + "bench_late getpid 0\n", ""));
        BenchOutput b = BenchOutput.of(new Execution(1, 0, "bench getpid\nuntimed 105 108\nns_per_op 2000 200 210\nns_per_op 2001 340 400\n"
                + "bench_late getpid 1\n", ""));
        List<BenchOutput> kept = BenchOutput.withoutOverlaps(List.of(a, b));
        assertEquals(Map.of("getpid", List.of()), Map.of("getpid", kept.get(0).samples().getOrDefault("getpid", List.of())),
                "a's first batch met b's untimed one, its second b's second");
        assertEquals(Map.of("getpid", 2), kept.get(0).late());
        assertEquals(List.of(2000.0), kept.get(1).samples().get("getpid"));
        assertEquals(Map.of("getpid", 2), kept.get(1).late(), "the slot it skipped and the batch that met a's");
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
