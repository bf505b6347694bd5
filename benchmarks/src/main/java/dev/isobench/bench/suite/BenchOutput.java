package dev.isobench.bench.suite;

import dev.isobench.bench.process.Execution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code probe bench OP BATCHES ITERS ...} run measured: each op's batch means (ns/op) and the ops that
 * failed, with why. The probe prints "bench OP" before an op's "ns_per_op N" lines and "bench_failed OP reason"
 * when it fails; a probe killed inside an op (a filter's SIGSYS, say) loses that op, not the ones before it.
 * {@code probe bench-slots} adds each batch's span ("ns_per_op N START END", "untimed START END") and
 * "bench_late OP N", the slots it skipped.
 *
 * @param spans per op, when each sample's batch ran (bench-slots only), in the order of the samples
 * @param untimed when the untimed batches ran (bench-slots only)
 * @param late per op, the timed batches that were not taken or were dropped
 * @param ran false when the probe never began an op (the target could not start it): every op is out
 */
record BenchOutput(Map<String, List<Double>> samples, Map<String, List<Span>> spans, List<Span> untimed, Map<String, String> failures,
                   Map<String, Integer> late, boolean ran) {
    /** A batch's time on CLOCK_MONOTONIC, ns. */
    record Span(long start, long end) {}

    static BenchOutput of(Execution run) {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<String, List<Span>> spans = new LinkedHashMap<>();
        List<Span> untimed = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Integer> late = new LinkedHashMap<>();
        String op = null;
        for (String line : run.stdout().lines().toList()) {
            String[] f = line.split(" ");
            if (line.startsWith("bench ")) {
                op = line.substring("bench ".length());
            } else if (line.startsWith("bench_failed ")) {
                String[] why = line.substring("bench_failed ".length()).split(" ", 2);
                failures.put(why[0], "the probe failed: " + why[why.length - 1]);
            } else if (line.startsWith("bench_late ")) {
                late.merge(f[1], Integer.parseInt(f[2]), Integer::sum);
            } else if (line.startsWith("untimed ") && f.length == 3) {
                untimed.add(new Span(Long.parseLong(f[1]), Long.parseLong(f[2])));
            } else if (line.startsWith("ns_per_op ") && op != null) {
                samples.computeIfAbsent(op, x -> new ArrayList<>()).add(Double.parseDouble(f[1]));
                if (f.length == 4) spans.computeIfAbsent(op, x -> new ArrayList<>()).add(new Span(Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        if (run.exitCode() != 0 && failures.isEmpty()) {
            if (op == null) return new BenchOutput(Map.of(), Map.of(), List.of(), Map.of(), Map.of(), false);
            failures.put(op, "probe exited " + run.exitCode() + ": " + run.stderr().trim());
        }
        failures.keySet().forEach(samples::remove);
        failures.keySet().forEach(spans::remove);
        return new BenchOutput(samples, spans, untimed, failures, late, true);
    }

    /**
     * The probes of one turn without the timed batches that ran while another probe's batch did: those shared
     * the CPU (one that overran its slot, and the next one's). They count as late.
     */
    static List<BenchOutput> withoutOverlaps(List<BenchOutput> turn) {
        record Owned(int owner, Span span) {}
        List<Owned> all = new ArrayList<>();
        for (int i = 0; i < turn.size(); i++) {
            for (List<Span> op : turn.get(i).spans().values()) for (Span s : op) all.add(new Owned(i, s));
            for (Span s : turn.get(i).untimed()) all.add(new Owned(i, s));
        }
        all.sort(Comparator.comparingLong(o -> o.span().start()));
        Set<Span> shared = new HashSet<>();
        for (int a = 0; a < all.size(); a++) {
            for (int b = a + 1; b < all.size() && all.get(b).span().start() < all.get(a).span().end(); b++) {
                if (all.get(a).owner() != all.get(b).owner()) {
                    shared.add(all.get(a).span());
                    shared.add(all.get(b).span());
                }
            }
        }
        return turn.stream().map(o -> o.without(shared)).toList();
    }

    private BenchOutput without(Set<Span> shared) {
        if (shared.isEmpty() || spans.isEmpty()) return this;
        Map<String, List<Double>> kept = new LinkedHashMap<>();
        Map<String, List<Span>> keptSpans = new LinkedHashMap<>();
        Map<String, Integer> dropped = new LinkedHashMap<>(late);
        samples.forEach((op, values) -> {
            List<Span> at = spans.getOrDefault(op, List.of());
            for (int i = 0; i < values.size(); i++) {
                if (i < at.size() && shared.contains(at.get(i))) {
                    dropped.merge(op, 1, Integer::sum);
                    continue;
                }
                kept.computeIfAbsent(op, x -> new ArrayList<>()).add(values.get(i));
                if (i < at.size()) keptSpans.computeIfAbsent(op, x -> new ArrayList<>()).add(at.get(i));
            }
        });
        return new BenchOutput(kept, keptSpans, untimed, failures, dropped, ran);
    }
}
