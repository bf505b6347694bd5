package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DifferentialTest {
    private static final long PERIOD = 100_000;

    private static Differential.Profile profile(String label, Map<String, Long> folded, long ops, Map<String, Long> syscalls, double timed) {
        return new Differential.Profile(label, folded, ops, PERIOD, syscalls, ops, timed);
    }

    /**
     * A container start against a plain exec, made up so that every part is known: 10 ops each; the target spends
     * 30 samples in setup_net (over ten callees of 3), 10 in a mount, as much as the baseline in exec.
     */
    private static Differential.Result startAgainstExec() {
        Map<String, Long> folded = new java.util.TreeMap<>();
        for (int i = 0; i < 10; i++) folded.put("init;clone;copy_net_ns;setup_net;callee" + i, 3L);
        folded.put("init;mount;path_mount", 10L);
        folded.put("probe;execve", 20L);
        var target = profile("engine", folded, 10, Map.of("mount", 40L, "execve", 10L, "clone", 10L), 5.0e6);
        var host = profile("host", Map.of("probe;execve", 20L), 10, Map.of("execve", 10L), 0.8e6);
        return Differential.of(target, host);
    }

    @Test
    void theDifferenceIsPerOperationAndTheRowsHoldItAtTheDeepestFramesThatCarryIt() {
        Differential.Result r = startAgainstExec();
        assertEquals(40 * PERIOD / 10.0, r.extraCpuNanos(), 1e-6, "40 samples of 100 us over 10 ops");
        // setup_net holds 75% and no callee of it 10%: it is the row, not clone above it nor a callee below it
        Differential.Row first = r.rows().get(0);
        assertEquals("setup_net", first.frame());
        assertEquals(30 * PERIOD / 10.0, first.extraNanos(), 1e-6);
        assertEquals("init › clone › copy_net_ns", first.chain());
        assertEquals("path_mount", r.rows().get(1).frame());
        assertEquals(1.0, r.coverage(), 1e-9, "the two rows hold all of the difference");
        assertEquals(2, r.rows().size());
    }

    @Test
    void theSystemCallsAreCountedPerOperationAndTheExtraOnesListedFirst() {
        Differential.Result r = startAgainstExec();
        assertEquals("mount", r.syscalls().get(0).name());
        assertEquals(4.0, r.syscalls().get(0).extra(), 1e-9);
        assertEquals(5.0, r.extraSyscalls(), 1e-9, "4 mounts and a clone more per op, the same exec");
    }

    @Test
    void theParagraphSaysTheTimedAndTheCpuDifferenceAndWhatHoldsIt() {
        String p = Differential.paragraph(startAgainstExec(), "container");
        assertTrue(p.startsWith("engine vs host: +4.20 ms per container timed (medians 5.00 ms and 800.0 µs); +400.0 µs of CPU per container,"
                + " of which 75% setup_net, 25% path_mount."), p);
        assertTrue(p.contains("+5 system calls per container (mount +4, clone +1)"), p);
        assertTrue(p.contains("The other 3.80 ms of the timed difference is not on a CPU"), p);
    }

    @Test
    void twoProfilesOfTheSameWorkHaveNoDifferenceToExplain() {
        var a = profile("runc", Map.of("probe;getpid", 1000L, "java;jit", 3L), 1_000_000, Map.of("getpid", 1000L), 80);
        var b = profile("host", Map.of("probe;getpid", 1000L, "java;gc", 2L), 1_000_000, Map.of("getpid", 1000L), 79.5);
        Differential.Result r = Differential.of(a, b);
        assertFalse(Differential.notable(r));
        assertTrue(Differential.paragraph(r, "call").contains("no difference to explain"), Differential.paragraph(r, "call"));
    }

    @Test
    void aSpreadDifferenceTakesFinerRowsUntilMostOfItIsHeld() {
        // 40 functions of 1 sample each under one caller, 20 more directly under the process: no threshold but the finest finds them
        java.util.Map<String, Long> folded = new java.util.TreeMap<>();
        for (int i = 0; i < 40; i++) folded.put("java;engine;f" + i, 1L);
        for (int i = 0; i < 20; i++) folded.put("java;g" + i, 1L);
        var target = profile("engine", folded, 1, Map.of(), Double.NaN);
        var host = profile("host", Map.of("java;idle", 1L), 1, Map.of(), Double.NaN);
        Differential.Result r = Differential.of(target, host);
        assertTrue(r.coverage() >= Differential.ENOUGH, "coverage " + r.coverage() + " in " + r.rows());
        assertTrue(r.rows().stream().anyMatch(x -> x.frame().equals("engine")), "the caller of many small ones is a row: " + r.rows());
        assertEquals(List.of(), r.rows().stream().filter(x -> x.extraNanos() <= 0).toList());
    }
}
