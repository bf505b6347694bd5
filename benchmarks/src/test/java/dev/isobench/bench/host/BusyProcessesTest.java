package dev.isobench.bench.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.proc.ProcessInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What competes with a run: another busy process is seen and named; the runner's own JVM is not counted. Each
 * figure is held against the kernel's own count over the same window, not against a share of a core the process
 * would get on an idle machine: on a busy one it gets less.
 */
class BusyProcessesTest {
    @Test
    void aSpinningProcessIsNamedWithTheCoreItTakes() throws Exception {
        Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(200); // past sh's start
            long t0 = System.nanoTime(), before = ticks(spinner.pid());
            BusyProcesses busy = BusyProcesses.sample(Duration.ofSeconds(1), 3);
            double own = (ticks(spinner.pid()) - before) / 100.0 / ((System.nanoTime() - t0) / 1e9);
            BusyProcesses.Busy top = busy.busiest().stream().filter(b -> b.pid() == spinner.pid()).findFirst()
                    .orElseThrow(() -> new AssertionError("the spinner is not among the busiest: " + busy));
            assertTrue(top.cores() > 0.05 && Math.abs(top.cores() - own) < 0.15,
                    "the spinner took " + top.cores() + " cores by the sample, " + own + " by its own count over the same second");
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
        long t0 = System.nanoTime(), selfBefore = ticks(self);
        long[] machineBefore = machine();
        BusyProcesses busy = BusyProcesses.sample(Duration.ofSeconds(1), 50);
        long[] machineAfter = machine();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double selfCores = (ticks(self) - selfBefore) / 100.0 / seconds;
        double machineCores = (machineAfter[0] - machineBefore[0]) / 100.0 / seconds;
        spin.join();
        assertTrue(busy.busiest().stream().noneMatch(b -> b.pid() == self), "this JVM spun a core and must not be listed: " + busy);
        assertTrue(selfCores > 0.2, "this JVM did spin in the window: " + selfCores);
        assertTrue(busy.cores() < machineCores - selfCores + 0.2,
                "nor counted: others " + busy.cores() + " cores, the machine " + machineCores + " of which this JVM " + selfCores);
    }

    /** utime + stime of a process, in ticks. */
    private static long ticks(long pid) throws Exception {
        String[] f = ProcessInfo.fieldsAfterName(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The machine's busy ticks (every CPU's time less idle and iowait), from /proc/stat. */
    private static long[] machine() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
        return new long[] {busy};
    }
}
