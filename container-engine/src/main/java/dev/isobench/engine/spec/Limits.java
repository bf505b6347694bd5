package dev.isobench.engine.spec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Resource limits, docker's flags as values. Every field is optional: an empty one is not written (on
 * {@code update}, it keeps its current value).
 *
 * @param cpu               --cpus / --cpu-period: CFS quota
 * @param cpuShares         --cpu-shares (2..262144; cpu.weight on v2)
 * @param cpusetCpus        --cpuset-cpus, a CPU list such as "0" or "0-1,3"
 * @param cpusetMems        --cpuset-mems, a list of memory nodes such as "0"
 * @param memory            --memory, bytes
 * @param memorySwap        --memory-swap, bytes of memory plus swap; -1 for unlimited swap
 * @param memoryReservation --memory-reservation, bytes (soft limit; memory.high on v2)
 * @param pids              --pids-limit
 * @param readBps           --device-read-bps
 * @param writeBps          --device-write-bps
 * @param deviceRules       --device-cgroup-rule: device rules after the engine's default list, in order (v1 only)
 * @param memorySwappiness  --memory-swappiness, 0-100 (v1 only)
 * @param oomKillDisable    --oom-kill-disable: tasks wait for memory instead of being killed (v1 only)
 * @param cpuRtPeriod       --cpu-rt-period, microseconds (v1 with real-time group scheduling)
 * @param cpuRtRuntime      --cpu-rt-runtime, microseconds of each period for real-time tasks
 */
public record Limits(Optional<CpuQuota> cpu, OptionalLong cpuShares, Optional<String> cpusetCpus, Optional<String> cpusetMems, OptionalLong memory,
                     OptionalLong memorySwap, OptionalLong memoryReservation, OptionalLong pids,
                     List<DeviceRate> readBps, List<DeviceRate> writeBps, List<DeviceRule> deviceRules, OptionalLong memorySwappiness,
                     Optional<Boolean> oomKillDisable, OptionalLong cpuRtPeriod, OptionalLong cpuRtRuntime) {
    public static final Limits NONE = builder().build();

    public Limits {
        readBps = List.copyOf(readBps);
        writeBps = List.copyOf(writeBps);
        deviceRules = List.copyOf(deviceRules);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return this.equals(NONE);
    }

    /** A fluent builder; sizes in bytes. */
    public static final class Builder {
        private Optional<CpuQuota> cpu = Optional.empty();
        private OptionalLong cpuShares = OptionalLong.empty();
        private Optional<String> cpusetCpus = Optional.empty();
        private Optional<String> cpusetMems = Optional.empty();
        private OptionalLong memory = OptionalLong.empty();
        private OptionalLong memorySwap = OptionalLong.empty();
        private OptionalLong memoryReservation = OptionalLong.empty();
        private OptionalLong pids = OptionalLong.empty();
        private List<DeviceRate> readBps = List.of();
        private List<DeviceRate> writeBps = List.of();
        private List<DeviceRule> deviceRules = List.of();
        private OptionalLong memorySwappiness = OptionalLong.empty();
        private Optional<Boolean> oomKillDisable = Optional.empty();
        private OptionalLong cpuRtPeriod = OptionalLong.empty();
        private OptionalLong cpuRtRuntime = OptionalLong.empty();

        /** A builder holding every value of {@code limits}, to change some. */
        public static Builder of(Limits limits) {
            Builder b = new Builder();
            b.cpu = limits.cpu;
            b.cpuShares = limits.cpuShares;
            b.cpusetCpus = limits.cpusetCpus;
            b.cpusetMems = limits.cpusetMems;
            b.memory = limits.memory;
            b.memorySwap = limits.memorySwap;
            b.memoryReservation = limits.memoryReservation;
            b.pids = limits.pids;
            b.readBps = limits.readBps;
            b.writeBps = limits.writeBps;
            b.deviceRules = limits.deviceRules;
            b.memorySwappiness = limits.memorySwappiness;
            b.oomKillDisable = limits.oomKillDisable;
            b.cpuRtPeriod = limits.cpuRtPeriod;
            b.cpuRtRuntime = limits.cpuRtRuntime;
            return b;
        }

        public Builder cpus(double cpus) { return cpu(CpuQuota.cpus(cpus, CpuQuota.DEFAULT_PERIOD)); }
        public Builder cpu(CpuQuota quota) { this.cpu = Optional.of(quota); return this; }
        public Builder cpuShares(long shares) { this.cpuShares = OptionalLong.of(shares); return this; }
        public Builder cpusetCpus(String cpus) { this.cpusetCpus = Optional.of(cpus); return this; }
        public Builder cpusetMems(String mems) { this.cpusetMems = Optional.of(mems); return this; }
        public Builder memory(long bytes) { this.memory = OptionalLong.of(bytes); return this; }
        public Builder memorySwap(long bytes) { this.memorySwap = OptionalLong.of(bytes); return this; }
        public Builder memoryReservation(long bytes) { this.memoryReservation = OptionalLong.of(bytes); return this; }
        public Builder pids(long max) { this.pids = OptionalLong.of(max); return this; }
        public Builder readBps(List<DeviceRate> rates) { this.readBps = rates; return this; }
        public Builder writeBps(List<DeviceRate> rates) { this.writeBps = rates; return this; }
        public Builder deviceRules(List<DeviceRule> rules) { this.deviceRules = rules; return this; }
        public Builder memorySwap(OptionalLong bytes) { this.memorySwap = bytes; return this; }
        public Builder memorySwappiness(OptionalLong swappiness) { this.memorySwappiness = swappiness; return this; }
        public Builder oomKillDisable(Optional<Boolean> disable) { this.oomKillDisable = disable; return this; }
        public Builder cpuRealtime(OptionalLong period, OptionalLong runtime) { this.cpuRtPeriod = period; this.cpuRtRuntime = runtime; return this; }

        public Limits build() {
            return new Limits(cpu, cpuShares, cpusetCpus, cpusetMems, memory, memorySwap, memoryReservation, pids, readBps, writeBps, deviceRules, memorySwappiness, oomKillDisable,
                    cpuRtPeriod, cpuRtRuntime);
        }
    }
}
