package dev.isobench.engine.runtime;

import dev.isobench.engine.sys.Native;

/**
 * A test hook: with {@code ISOBENCH_FAULT=WHO@POINT} in the environment (or the system property
 * {@code isobench.fault}), the engine SIGKILLs WHO when it reaches POINT: {@code cli} (this process),
 * {@code monitor} or {@code container} (the container's first process). POINT is a {@link Phase} name or
 * {@code DELETING} (half-way through delete) or {@code RETIRED} (out of the store, its cgroups and files not
 * yet removed). Unset, it costs a property lookup per point.
 */
final class FaultInjection {
    private static final String ENV = System.getenv().getOrDefault("ISOBENCH_FAULT", "");

    private FaultInjection() {}

    static void at(String point, int monitorPid, int containerPid) {
        String spec = System.getProperty("isobench.fault", ENV);
        if (spec.isEmpty() || !spec.endsWith("@" + point)) return;
        switch (spec.substring(0, spec.indexOf('@'))) {
            case "cli" -> Native.kill((int) ProcessHandle.current().pid(), 9);
            case "monitor" -> { if (monitorPid > 0) Native.kill(monitorPid, 9); }
            case "container" -> { if (containerPid > 0) Native.kill(containerPid, 9); }
            default -> throw new IllegalArgumentException("ISOBENCH_FAULT takes cli|monitor|container@POINT, got " + spec);
        }
    }
}
