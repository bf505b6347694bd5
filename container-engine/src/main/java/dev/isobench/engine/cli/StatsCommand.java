package dev.isobench.engine.cli;

import dev.isobench.engine.cgroup.CgroupStats;
import dev.isobench.engine.runtime.Container;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr stats}: cgroup counters of containers, once or every second. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show CPU, memory, pids and I/O counters of containers (from their cgroups).")
final class StatsCommand implements Callable<Integer> {
    private static final String ROW = "%-12s  %7s  %10s  %9s  %10s  %10s  %5s  %11s  %12s%n";

    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-w", "--watch"}, description = "Refresh every second until interrupted.")
    boolean watch;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() throws InterruptedException {
        List<Container> containers = refs.stream().map(r -> ctr.engine().get(r)).toList();
        CgroupStats[] before = new CgroupStats[containers.size()];
        long beforeNanos = System.nanoTime();
        do {
            System.out.printf(ROW, "CONTAINER ID", "CPU %", "CPU TIME", "THROTTLED", "MEM USAGE", "MEM LIMIT", "PIDS", "OOM KILLS", "IO R/W");
            long now = System.nanoTime();
            for (int i = 0; i < containers.size(); i++) {
                CgroupStats s = containers.get(i).stats();
                String cpu = before[i] == null || s.cpuUsageNanos() < 0 ? "-"
                        : String.format("%.1f", 100.0 * (s.cpuUsageNanos() - before[i].cpuUsageNanos()) / (now - beforeNanos));
                System.out.printf(ROW, containers.get(i).id(), cpu, seconds(s.cpuUsageNanos()),
                        s.nrThrottled() < 0 ? "-" : s.nrThrottled() + "/" + s.nrPeriods(), bytes(s.memoryUsage()),
                        bytes(s.memoryLimit()), number(s.pidsCurrent()), number(s.oomKills()),
                        bytes(s.ioReadBytes()) + "/" + bytes(s.ioWriteBytes()));
                before[i] = s;
            }
            beforeNanos = now;
            if (watch) Thread.sleep(1000);
        } while (watch);
        return 0;
    }

    private static String number(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }

    private static String seconds(long nanos) {
        return nanos < 0 ? "-" : String.format("%.2fs", nanos / 1e9);
    }

    static String bytes(long b) {
        if (b < 0) return "-";
        if (b == CgroupStats.UNLIMITED) return "max";
        if (b < 1024) return b + "B";
        if (b < 1L << 20) return String.format("%.1fKiB", b / 1024.0);
        if (b < 1L << 30) return String.format("%.1fMiB", b / (double) (1L << 20));
        return String.format("%.2fGiB", b / (double) (1L << 30));
    }
}
