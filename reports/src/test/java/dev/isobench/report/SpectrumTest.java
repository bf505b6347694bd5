package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spectrum orders targets from the bare host to the VM, whatever order the run wrote them in. */
class SpectrumTest {
    private static ResultRow row(String target, String variant, String metric, double value) {
        return new ResultRow("startup", "start-to-exit", target, variant, "", metric, metric.equals("median") ? "ms" : "ratio", value,
                value * 0.9, value * 1.1, 40);
    }

    @Test
    void targetsComeInSpectrumOrderWithTheirTierAndRatio() {
        List<ResultRow> rows = new ArrayList<>();
        for (String[] t : new String[][] {{"engine-in-vm", "emulated"}, {"vm", "emulated"}, {"runsc", "ptrace"}, {"docker", "runsc"}, {"docker", "runc"}, {"engine", ""},
                {"engine", "copy"}, {"unshare", ""}, {"host", ""}, {"engine-cli", ""}}) {
            rows.add(row(t[0], t[1], "median", 1));
            if (!t[0].equals("host")) rows.add(row(t[0], t[1], "ratio_vs_host", 2));
        }
        List<Spectrum.Entry> s = Spectrum.of(rows, "start-to-exit");
        assertEquals(List.of("host", "unshare", "engine", "docker/runc", "runsc/ptrace", "docker/runsc", "vm/emulated", "engine-in-vm/emulated"),
                s.stream().map(Spectrum.Entry::label).toList(), "the engine's default only, and no CLI; the container in a VM last");
        assertEquals(List.of("bare host", "namespaces", "containers", "containers", "user-space kernel", "user-space kernel", "virtual machine",
                "container in a VM"),
                s.stream().map(Spectrum.Entry::tier).toList());
        assertTrue(s.get(0).ratio().isEmpty(), "the host has no ratio to itself");
        assertEquals(2, s.get(1).ratio().orElseThrow().value());
    }
}
