package dev.isobench.bench.app;

import java.util.ArrayList;
import java.util.List;

/**
 * The server (or the whole workload) on one CPU and the load generator on another, as the network suite places its
 * ends: on a 2-core host they do not take turns on one core. A 1-CPU host pins nothing.
 */
public record Pinning(int serverCpu, int clientCpu) {
    /** The last CPU for the server, the first for the load generator. */
    public static Pinning of(int cpus) {
        return cpus >= 2 ? new Pinning(cpus - 1, 0) : new Pinning(-1, -1);
    }

    public List<String> server(List<String> argv) {
        return on(serverCpu, argv);
    }

    public List<String> client(List<String> argv) {
        return on(clientCpu, argv);
    }

    private static List<String> on(int cpu, List<String> argv) {
        if (cpu < 0) return List.copyOf(argv);
        List<String> all = new ArrayList<>(List.of(Programs.require("taskset", "util-linux"), "-c", Integer.toString(cpu)));
        all.addAll(argv);
        return all;
    }
}
