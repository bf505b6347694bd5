package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Sizes;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Checks limits against what this host can enforce, before anything is created: each check is small and
 * named after its flag, and every message says the accepted range.
 */
public final class LimitChecks {
    /** Docker's floor: below this the kernel OOM-kills the process before it gets going. */
    public static final long MIN_MEMORY = 6L << 20;

    private LimitChecks() {}

    public static void check(Limits limits, CgroupDriver driver) {
        // Only CPU limits consult the online CPUs: a container without them reads nothing from /sys.
        boolean cpus = limits.cpu().isPresent() || limits.cpusetCpus().isPresent();
        check(limits, driver, cpus ? onlineCpus() : new BitSet());
    }

    static void check(Limits limits, CgroupDriver driver, BitSet online) {
        List<String> problems = new ArrayList<>();
        Set<Controller> have = driver.controllers();
        String v = driver.version();
        need(limits.cpu().isPresent() || limits.cpuShares().isPresent(), Controller.CPU, "--cpus/--cpu-shares", have, v, problems);
        need(limits.memory().isPresent() || limits.memorySwap().isPresent() || limits.memoryReservation().isPresent(),
                Controller.MEMORY, "--memory", have, v, problems);
        need(limits.pids().isPresent(), Controller.PIDS, "--pids-limit", have, v, problems);
        if (!limits.deviceRules().isEmpty() && v.equals("none")) problems.add("device cgroup rules need cgroups, which this host does not offer");
        need(limits.cpusetCpus().isPresent(), Controller.CPUSET, "--cpuset-cpus", have, v, problems);
        need(limits.cpusetMems().isPresent(), Controller.CPUSET, "--cpuset-mems", have, v, problems);
        need(!limits.readBps().isEmpty() || !limits.writeBps().isEmpty(), Controller.IO, "--device-read-bps/--device-write-bps", have, v, problems);
        limits.cpu().ifPresent(q -> {
            if (q.cpus() > online.cardinality()) {
                problems.add("--cpus " + q.cpus() + " is more than the " + online.cardinality() + " online CPUs (range 0.01-" + online.cardinality() + ")");
            }
        });
        limits.cpuShares().ifPresent(s -> {
            if (s < 2 || s > 262144) problems.add("--cpu-shares must be between 2 and 262144, got " + s);
        });
        limits.cpusetCpus().ifPresent(c -> checkCpuset(c, online, problems));
        limits.memory().ifPresent(m -> {
            if (m < MIN_MEMORY) problems.add("--memory must be at least 6m (6291456 bytes), got " + m + " bytes");
        });
        limits.memorySwap().ifPresent(s -> {
            if (s != -1 && s < limits.memory().orElse(Long.MAX_VALUE)) problems.add("--memory-swap (memory plus swap) must be at least --memory, or -1 for unlimited swap");
            if (limits.memory().isEmpty()) problems.add("--memory-swap needs --memory as well");
            if (!driver.supportsSwapLimit()) problems.add("--memory-swap needs swap accounting, which this host's kernel does not have (boot with swapaccount=1)");
        });
        limits.memoryReservation().ifPresent(r -> {
            if (limits.memory().isPresent() && r > limits.memory().getAsLong()) problems.add("--memory-reservation must not exceed --memory");
        });
        limits.pids().ifPresent(p -> {
            if (p < 1) problems.add("--pids-limit must be at least 1, got " + p);
        });
        checkV1Only(limits, driver, problems);
        if (!problems.isEmpty()) throw new EngineException(String.join("; ", problems));
    }

    /** Swappiness, the OOM killer switch and real-time CPU time exist per group on cgroup v1 only. */
    private static void checkV1Only(Limits limits, CgroupDriver driver, List<String> problems) {
        Set<Controller> have = driver.controllers();
        String v = driver.version();
        boolean memory = limits.memorySwappiness().isPresent() || limits.oomKillDisable().isPresent();
        boolean realtime = limits.cpuRtPeriod().isPresent() || limits.cpuRtRuntime().isPresent();
        if (v.equals("v1")) {
            need(memory, Controller.MEMORY, "--memory-swappiness/--oom-kill-disable", have, v, problems);
            need(realtime, Controller.CPU, "--cpu-rt-period/--cpu-rt-runtime", have, v, problems);
        } else {
            if (memory) problems.add("--memory-swappiness and --oom-kill-disable need cgroup v1; this host's cgroup " + v + " has no such file per group");
            if (realtime) problems.add("--cpu-rt-period and --cpu-rt-runtime need cgroup v1; this host's cgroup " + v + " has no real-time group budget");
        }
        limits.memorySwappiness().ifPresent(s -> {
            if (s < 0 || s > 100) problems.add("--memory-swappiness must be between 0 and 100, got " + s);
        });
        if (limits.cpuRtRuntime().isPresent() && limits.cpuRtRuntime().getAsLong() > limits.cpuRtPeriod().orElse(Long.MAX_VALUE)) {
            problems.add("--cpu-rt-runtime must not exceed --cpu-rt-period");
        }
    }

    private static void need(boolean asked, Controller c, String flag, Set<Controller> have, String version, List<String> problems) {
        if (asked && !have.contains(c)) {
            problems.add(flag + " needs the " + c.name(version) + " controller, which this host's cgroup " + version + " does not offer");
        }
    }

    private static void checkCpuset(String list, BitSet online, List<String> problems) {
        try {
            BitSet asked = parseCpuList(list);
            asked.andNot(online);
            if (!asked.isEmpty()) problems.add("--cpuset-cpus " + list + " names CPUs that are not online (online: " + format(online) + ")");
        } catch (IllegalArgumentException e) {
            problems.add("--cpuset-cpus takes a list like 0 or 0-1,3, got '" + list + "'");
        }
    }

    /** Parses the kernel's CPU list format: "0-3,5". */
    public static BitSet parseCpuList(String list) {
        BitSet set = new BitSet();
        if (list.isBlank()) return set;
        for (String part : list.trim().split(",")) {
            String[] range = part.split("-");
            if (range.length > 2 || !part.matches("\\d+(-\\d+)?")) throw new IllegalArgumentException("bad CPU list: " + list);
            int from = Integer.parseInt(range[0]);
            int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
            if (to < from) throw new IllegalArgumentException("bad CPU list: " + list);
            set.set(from, to + 1);
        }
        return set;
    }

    private static String format(BitSet set) {
        return set.toString().replaceAll("[{} ]", "");
    }

    static BitSet onlineCpus() {
        try {
            return parseCpuList(Files.readString(Path.of("/sys/devices/system/cpu/online")).trim());
        } catch (IOException e) {
            BitSet all = new BitSet();
            all.set(0, Runtime.getRuntime().availableProcessors());
            return all;
        }
    }

    /** The device number of a block device path, for --device-read-bps /dev/vda:1mb. */
    public static DeviceRate deviceRate(String flag, String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(flag + " takes DEVICE:RATE, e.g. /dev/vda:1mb, got '" + spec + "'");
        Path device = Path.of(spec.substring(0, colon));
        long rate = Sizes.parse(flag, spec.substring(colon + 1));
        try {
            if (!Files.exists(device)) throw new IllegalArgumentException(flag + ": no such device " + device);
            int mode = (Integer) Files.getAttribute(device, "unix:mode");
            if ((mode & 0170000) != 0060000) throw new IllegalArgumentException(flag + ": " + device + " is not a block device");
            long rdev = (Long) Files.getAttribute(device, "unix:rdev");
            int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
            int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
            return new DeviceRate(major, minor, rate);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot stat " + device + ": " + e.getMessage());
        }
    }
}
