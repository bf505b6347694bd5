package dev.isobench.engine.spec;

import java.util.List;

/** One resource limit of the container's first process, as setrlimit(2) takes it; -1 is unlimited. */
public record Rlimit(int resource, long soft, long hard) {
    /** The names of linux/resource.h, in resource-number order. */
    public static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
            "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
            "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    public Rlimit {
        if (resource < 0 || resource >= NAMES.size()) throw new IllegalArgumentException("no such resource limit: " + resource);
        if (soft != -1 && hard != -1 && Long.compareUnsigned(soft, hard) > 0) {
            throw new IllegalArgumentException(NAMES.get(resource) + ": soft limit " + soft + " is above the hard limit " + hard);
        }
    }

    /** {@code RLIMIT_NOFILE} and the like. */
    public static Rlimit of(String name, long soft, long hard) {
        int n = NAMES.indexOf(name);
        if (n < 0) throw new IllegalArgumentException("unknown rlimit type '" + name + "' (one of " + String.join(", ", NAMES) + ")");
        return new Rlimit(n, soft, hard);
    }
}
