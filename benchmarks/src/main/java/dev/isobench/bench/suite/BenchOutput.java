package dev.isobench.bench.suite;

import dev.isobench.bench.target.Execution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code probe bench OP BATCHES ITERS ...} run measured: each op's batch means (ns/op) and the ops that
 * failed, with why. The probe prints "bench OP" before an op's "ns_per_op N" lines and "bench_failed OP reason"
 * when it fails; a probe killed inside an op (a filter's SIGSYS, say) loses that op, not the ones before it.
 * {@code probe bench-slots} adds "bench_late OP N": batches that did not end inside their slot and were dropped.
 *
 * @param late per op, the batches dropped for ending outside their slot
 * @param ran false when the probe never began an op (the target could not start it): every op is out
 */
record BenchOutput(Map<String, List<Double>> samples, Map<String, String> failures, Map<String, Integer> late, boolean ran) {
    static BenchOutput of(Execution run) {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Integer> late = new LinkedHashMap<>();
        String op = null;
        for (String line : run.stdout().lines().toList()) {
            if (line.startsWith("bench ")) {
                op = line.substring("bench ".length());
            } else if (line.startsWith("bench_failed ")) {
                String[] f = line.substring("bench_failed ".length()).split(" ", 2);
                failures.put(f[0], "the probe failed: " + f[f.length - 1]);
            } else if (line.startsWith("bench_late ")) {
                String[] f = line.split(" ");
                late.put(f[1], Integer.parseInt(f[2]));
            } else if (line.startsWith("ns_per_op ") && op != null) {
                samples.computeIfAbsent(op, x -> new ArrayList<>()).add(Double.parseDouble(line.substring("ns_per_op ".length())));
            }
        }
        if (run.exitCode() != 0 && failures.isEmpty()) {
            if (op == null) return new BenchOutput(Map.of(), Map.of(), Map.of(), false);
            failures.put(op, "probe exited " + run.exitCode() + ": " + run.stderr().trim());
        }
        failures.keySet().forEach(samples::remove);
        return new BenchOutput(samples, failures, late, true);
    }
}
