package dev.isobench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The virtualization spectrum: one figure per target, ordered from the bare host through namespaces,
 * containers and user-space kernels to a virtual machine and the engine's container inside one, each with its
 * interval and its ratio to the host.
 */
public final class Spectrum {
    /** Where a target sits on the spectrum, in order. */
    static final List<String> TIERS = List.of("bare host", "namespaces", "containers", "user-space kernel", "virtual machine", "container in a VM");
    /** Targets in their place on the spectrum (a target's variants keep the order they have in the results). */
    private static final List<String> ORDER = List.of("host", "floor", "unshare", "bwrap", "engine", "lxc", "nspawn", "runc", "crun", "podman",
            "docker", "runsc", "docker/runsc", "vm", "engine-in-vm");

    /** One marker: a target, its tier, its median with interval, and its ratio to the host (with interval) if the run has one. */
    public record Entry(String label, String tier, ResultRow median, Optional<ResultRow> ratio) {}

    private Spectrum() {}

    /**
     * The entries of one benchmark's rows (startup's start-to-exit, syscall's getpid): each target's default,
     * Docker's and gVisor's variants (which runtime, which platform), the engine's default only.
     */
    public static List<Entry> of(List<ResultRow> rows, String benchmark) {
        List<Entry> out = new ArrayList<>();
        for (ResultRow m : rows) {
            if (!m.benchmark().equals(benchmark) || !m.metric().equals("median") || rank(m) < 0) continue;
            if (m.target().equals("engine") && !m.variant().isEmpty()) continue;
            Optional<ResultRow> ratio = rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.target().equals(m.target())
                    && r.variant().equals(m.variant()) && r.param().equals(m.param()) && r.metric().equals("ratio_vs_host")).findFirst();
            out.add(new Entry(Charts.label(m), tier(m), m, ratio));
        }
        out.sort(Comparator.comparingInt(e -> rank(e.median())));
        return out;
    }

    /** The place in {@link #ORDER}: docker/runsc sits with the user-space kernels; -1 for a target not on it. */
    static int rank(ResultRow r) {
        int byLabel = ORDER.indexOf(Charts.label(r));
        return byLabel >= 0 ? byLabel : ORDER.indexOf(r.target());
    }

    static String tier(ResultRow r) {
        String t = r.target();
        if (t.equals("host")) return TIERS.get(0);
        if (t.equals("floor") || t.equals("unshare") || t.equals("bwrap")) return TIERS.get(1);
        if (t.equals("runsc") || Charts.label(r).equals("docker/runsc")) return TIERS.get(3);
        if (t.equals("vm")) return TIERS.get(4);
        if (t.equals("engine-in-vm")) return TIERS.get(5);
        return TIERS.get(2);
    }
}
