package dev.isobench.engine.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Linux capabilities by name, and Docker's default set for containers (no CAP_SYS_ADMIN). */
public final class Capabilities {
    public static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("CHOWN", 0), Map.entry("DAC_OVERRIDE", 1), Map.entry("DAC_READ_SEARCH", 2), Map.entry("FOWNER", 3),
            Map.entry("FSETID", 4), Map.entry("KILL", 5), Map.entry("SETGID", 6), Map.entry("SETUID", 7),
            Map.entry("SETPCAP", 8), Map.entry("LINUX_IMMUTABLE", 9), Map.entry("NET_BIND_SERVICE", 10),
            Map.entry("NET_BROADCAST", 11), Map.entry("NET_ADMIN", 12), Map.entry("NET_RAW", 13), Map.entry("IPC_LOCK", 14),
            Map.entry("IPC_OWNER", 15), Map.entry("SYS_MODULE", 16), Map.entry("SYS_RAWIO", 17), Map.entry("SYS_CHROOT", 18),
            Map.entry("SYS_PTRACE", 19), Map.entry("SYS_PACCT", 20), Map.entry("SYS_ADMIN", 21), Map.entry("SYS_BOOT", 22),
            Map.entry("SYS_NICE", 23), Map.entry("SYS_RESOURCE", 24), Map.entry("SYS_TIME", 25), Map.entry("SYS_TTY_CONFIG", 26),
            Map.entry("MKNOD", 27), Map.entry("LEASE", 28), Map.entry("AUDIT_WRITE", 29), Map.entry("AUDIT_CONTROL", 30),
            Map.entry("SETFCAP", 31), Map.entry("MAC_OVERRIDE", 32), Map.entry("MAC_ADMIN", 33), Map.entry("SYSLOG", 34),
            Map.entry("WAKE_ALARM", 35), Map.entry("BLOCK_SUSPEND", 36), Map.entry("AUDIT_READ", 37), Map.entry("PERFMON", 38),
            Map.entry("BPF", 39), Map.entry("CHECKPOINT_RESTORE", 40));

    /** Docker's (moby's) default capability set. */
    public static final List<String> DOCKER_DEFAULT = List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD",
            "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");

    private Capabilities() {}

    /** Docker's rule: start from the default set, add, then drop; "ALL" stands for every capability. */
    public static long effective(List<String> add, List<String> drop) {
        long all = mask(List.copyOf(NUMBERS.keySet()));
        long m = mask(DOCKER_DEFAULT);
        m |= add.contains("ALL") ? all : mask(add);
        m &= ~(drop.contains("ALL") ? all : mask(drop));
        return m;
    }

    public static long mask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            Integer bit = NUMBERS.get(n);
            if (bit == null) throw new IllegalArgumentException("unknown capability " + n);
            mask |= 1L << bit;
        }
        return mask;
    }

    /** Every capability the engine itself may hand on (its bounding set): what {@code --privileged} gives. */
    public static long hostBounding() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("/proc/self/status has no CapBnd line");
    }

    /** The names ("SYS_ADMIN", ...) of the capabilities in a mask. */
    public static Set<String> names(long mask) {
        Set<String> names = new HashSet<>();
        NUMBERS.forEach((name, bit) -> {
            if ((mask & (1L << bit)) != 0) names.add(name);
        });
        return names;
    }
}
