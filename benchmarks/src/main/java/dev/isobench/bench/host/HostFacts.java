package dev.isobench.bench.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.Engine;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host facts a manifest records, and the conditions that make numbers untrustworthy (other busy
 * processes, a powersave governor, a VM, turbo), returned as warnings.
 */
public final class HostFacts {
    /** Long enough to see a busy process at 1% resolution (the tick is 10 ms); short beside any suite. */
    private static final Duration BUSY_WINDOW = Duration.ofSeconds(1);
    /** Other processes' CPU above which a run is warned about: an idle host here reads 0.02 (init, kernel threads). */
    private static final double BUSY_CORES = 0.1;

    private HostFacts() {}

    public static String hostname() {
        return read("/proc/sys/kernel/hostname").orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "host";
            }
        });
    }

    /** Fills the manifest's host section; returns warnings about measurement conditions. */
    /** System properties a run inside a guest (run --in-guest) sets: the host it runs on, and its accelerator. */
    public static final String GUEST_OF = "isobench.guest.of", GUEST_ACCELERATOR = "isobench.guest.accelerator";

    public static List<String> record(ObjectNode host, Engine engine) {
        List<String> warnings = new ArrayList<>();
        host.put("hostname", hostname());
        host.put("kernel", read("/proc/sys/kernel/osrelease").orElse("?"));
        if (System.getProperty(GUEST_OF) != null) {
            host.put("guest_of", System.getProperty(GUEST_OF));
            host.put("guest_accelerator", System.getProperty(GUEST_ACCELERATOR, "?"));
        }
        host.put("distro", osRelease());
        host.put("cpu_model", cpuinfo("model name").orElse("?"));
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("memory_bytes", meminfoKb("MemTotal") * 1024);
        String virt = virtualization();
        host.put("virtualization", virt);
        host.put("cgroup_version", engine.cgroups().version());
        host.put("cgroup_controllers", engine.cgroups().controllers().toString());
        host.put("state_dir", engine.root().toString());
        host.put("state_dir_filesystem", filesystemOf(engine.root()));
        host.put("clocksource", read("/sys/devices/system/clocksource/clocksource0/current_clocksource").orElse("?"));
        ObjectNode mitigations = host.putObject("cpu_vulnerabilities");
        try (var s = Files.list(Path.of("/sys/devices/system/cpu/vulnerabilities"))) {
            s.sorted().forEach(p -> mitigations.put(p.getFileName().toString(), read(p.toString()).orElse("?")));
        } catch (IOException e) {
            mitigations.put("unknown", e.getMessage());
        }
        Optional<String> governor = read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
        host.put("cpu_governor", governor.orElse("none (no cpufreq)"));
        if (governor.isPresent() && !governor.get().equals("performance")) {
            warnings.add("CPU frequency governor is '" + governor.get() + "', not 'performance': frequency changes add noise");
        }
        read("/sys/devices/system/cpu/intel_pstate/no_turbo").filter("0"::equals)
                .ifPresent(t -> warnings.add("turbo boost is on: clock speed depends on temperature and load"));
        double load = Double.parseDouble(read("/proc/loadavg").orElse("0").split(" ")[0]);
        host.put("loadavg_1m", load);
        BusyProcesses busy = BusyProcesses.sample(BUSY_WINDOW, 3);
        host.put("other_processes_cores", Math.round(busy.cores() * 100) / 100.0);
        busy.busiest().forEach(b -> host.withArray("busiest_processes").add(b.toString()));
        if (busy.cores() > BUSY_CORES) {
            warnings.add(String.format("other processes took %.2f cores in the %d s before the run (load average %.2f on %d cores),"
                    + " busiest %s: they compete with the measurements", busy.cores(), BUSY_WINDOW.toSeconds(), load,
                    Runtime.getRuntime().availableProcessors(), busy.busiest().stream().filter(b -> b.cores() >= BUSY_CORES / 2).toList()));
        }
        if (!virt.equals("none")) warnings.add("this host is a virtual machine (" + virt + "): a hypervisor adds noise to every number");
        host.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return warnings;
    }

    private static String virtualization() {
        if (cpuinfo("flags").map(f -> f.contains(" hypervisor")).orElse(false)) {
            return read("/sys/class/dmi/id/sys_vendor").orElse("a hypervisor (cpuinfo flag)");
        }
        return "none";
    }

    private static String osRelease() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) return line.substring(12).replace("\"", "");
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    private static Optional<String> cpuinfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key)) return Optional.of(line.substring(line.indexOf(':') + 1).trim());
            }
        } catch (IOException e) {
            // fall through
        }
        return Optional.empty();
    }

    private static long meminfoKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            // fall through
        }
        return 0;
    }

    private static String filesystemOf(Path p) {
        try {
            return Files.getFileStore(p).type();
        } catch (IOException e) {
            return "?";
        }
    }

    static Optional<String> read(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
