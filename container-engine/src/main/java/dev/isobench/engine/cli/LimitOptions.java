package dev.isobench.engine.cli;

import dev.isobench.engine.cgroup.LimitChecks;
import dev.isobench.engine.spec.CpuQuota;
import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Sizes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Docker's resource flags, shared by run, create and update. */
final class LimitOptions {
    @Option(names = "--cpus", paramLabel = "N", description = "CPUs' worth of time (CFS quota), e.g. 0.5.")
    Double cpus;

    @Option(names = "--cpu-period", paramLabel = "US", description = "CFS period in microseconds (default 100000).")
    Long cpuPeriod;

    @Option(names = {"-c", "--cpu-shares"}, paramLabel = "N", description = "Relative CPU weight, 2-262144 (cpu.weight on v2).")
    Long cpuShares;

    @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs to run on, e.g. 0 or 0-1.")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "Memory nodes to allocate from, e.g. 0 (NUMA hosts).")
    String cpusetMems;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", description = "Memory limit, e.g. 64m (at least 6m).")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "SIZE", description = "Memory plus swap; -1 for unlimited swap.")
    String memorySwap;

    @Option(names = "--memory-reservation", paramLabel = "SIZE", description = "Soft limit (memory.high on v2).")
    String memoryReservation;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Most processes and threads at once.")
    Long pidsLimit;

    @Option(names = "--device-read-bps", paramLabel = "DEV:RATE", description = "Read bandwidth limit, e.g. /dev/vda:1mb.")
    List<String> readBps = new ArrayList<>();

    @Option(names = "--device-write-bps", paramLabel = "DEV:RATE", description = "Write bandwidth limit, e.g. /dev/vda:1mb.")
    List<String> writeBps = new ArrayList<>();

    Limits toLimits() {
        Limits.Builder b = Limits.builder();
        long period = cpuPeriod != null ? cpuPeriod : CpuQuota.DEFAULT_PERIOD;
        if (cpus != null) b.cpu(CpuQuota.cpus(cpus, period));
        else if (cpuPeriod != null) throw new IllegalArgumentException("--cpu-period needs --cpus as well");
        if (cpuShares != null) b.cpuShares(cpuShares);
        if (cpusetCpus != null) b.cpusetCpus(cpusetCpus);
        if (cpusetMems != null) b.cpusetMems(cpusetMems);
        if (memory != null) b.memory(Sizes.parse("--memory", memory));
        if (memorySwap != null) b.memorySwap(memorySwap.trim().equals("-1") ? -1 : Sizes.parse("--memory-swap", memorySwap));
        if (memoryReservation != null) b.memoryReservation(Sizes.parse("--memory-reservation", memoryReservation));
        if (pidsLimit != null) b.pids(pidsLimit);
        b.readBps(rates("--device-read-bps", readBps));
        b.writeBps(rates("--device-write-bps", writeBps));
        return b.build();
    }

    private static List<DeviceRate> rates(String flag, List<String> specs) {
        List<DeviceRate> rates = new ArrayList<>();
        for (String s : specs) rates.add(LimitChecks.deviceRate(flag, s));
        return rates;
    }
}
