package dev.isobench.bench.host;

import dev.isobench.engine.proc.ProcessInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU other processes use right now, from two readings of every /proc/PID/stat a short window apart.
 * The load average cannot say this: it is a one-minute mean, so the build that a first run starts with
 * (mvn, just exited) still reads as a load of 1 on an idle host.
 *
 * @param cores CPU time all other processes and kernel threads took in the window, in cores (1.0: one busy core)
 * @param busiest the ones that took the most, busiest first
 */
public record BusyProcesses(double cores, List<Busy> busiest) {
    /** /proc reports CPU times in USER_HZ ticks, 100 a second on every architecture Linux runs on today. */
    private static final double TICKS_PER_SECOND = 100;

    public record Busy(long pid, String command, double cores) {
        @Override
        public String toString() {
            return String.format("%s (pid %d) %.2f cores", command, pid, cores);
        }
    }

    private record Reading(String command, long ticks) {}

    /** Every process but this one, over {@code window}; the {@code top} busiest are named. */
    public static BusyProcesses sample(Duration window, int top) {
        long self = ProcessHandle.current().pid();
        Map<Long, Reading> before = read();
        try {
            Thread.sleep(window.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<Long, Reading> after = read();
        double seconds = window.toMillis() / 1000.0;
        List<Busy> all = new ArrayList<>();
        after.forEach((pid, now) -> {
            Reading then = before.get(pid);
            if (pid != self && then != null && now.ticks() > then.ticks()) {
                all.add(new Busy(pid, now.command(), (now.ticks() - then.ticks()) / TICKS_PER_SECOND / seconds));
            }
        });
        all.sort(Comparator.comparingDouble(Busy::cores).reversed());
        double cores = all.stream().mapToDouble(Busy::cores).sum();
        return new BusyProcesses(cores, List.copyOf(all.subList(0, Math.min(top, all.size()))));
    }

    private static Map<Long, Reading> read() {
        Map<Long, Reading> readings = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = ProcessInfo.fieldsAfterName(stat);
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    readings.put(Long.parseLong(p.getFileName().toString()), new Reading(command, ticks));
                } catch (IOException | RuntimeException e) {
                    // exited between the listing and the read
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to say
        }
        return readings;
    }
}
