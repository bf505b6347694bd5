package dev.isobench.bench.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What competes with a run: another busy process is seen and named; the runner's own JVM is not counted. */
class BusyProcessesTest {
    @Test
    void aSpinningProcessIsNamedWithTheCoreItTakes() throws Exception {
        Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(200); // past sh's start
            BusyProcesses busy = BusyProcesses.sample(Duration.ofSeconds(1), 3);
            BusyProcesses.Busy top = busy.busiest().stream().filter(b -> b.pid() == spinner.pid()).findFirst()
                    .orElseThrow(() -> new AssertionError("the spinner is not among the busiest: " + busy));
            // a core of its own on a multi-core host; on one core it shares with whatever else runs
            double expected = Runtime.getRuntime().availableProcessors() > 1 ? 0.6 : 0.3;
            assertTrue(top.cores() > expected && top.cores() < 1.1, "the spinner took " + top.cores() + " cores");
            assertTrue(top.command().equals("sh") && top.toString().startsWith("sh (pid " + spinner.pid() + ") "), top.toString());
            assertTrue(busy.cores() >= top.cores(), "the total holds the spinner: " + busy);
        } finally {
            spinner.destroyForcibly().waitFor();
        }
    }

    @Test
    void theRunnersOwnJvmIsNotOtherWork() throws Exception {
        long self = ProcessHandle.current().pid();
        Thread spin = new Thread(() -> {
            long end = System.nanoTime() + 1_300_000_000L;
            while (System.nanoTime() < end) Thread.onSpinWait();
        });
        spin.start();
        BusyProcesses busy = BusyProcesses.sample(Duration.ofSeconds(1), 50);
        spin.join();
        assertTrue(busy.busiest().stream().noneMatch(b -> b.pid() == self), "this JVM spun a core and must not be listed: " + busy);
        assertTrue(busy.cores() < 0.9, "nor counted: " + busy);
    }
}
