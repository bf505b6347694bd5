package dev.isobench.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.explain.Profiler;
import dev.isobench.bench.targets.Target;
import dev.isobench.report.Explanations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A suite's {@code --explain} pass, after its timed turns and apart from them: per target, one untimed run of the
 * headline's workload under perf (its on-CPU stacks, then its system calls), written as
 * {@code explain/SUITE/TARGET.folded} and {@code explain/SUITE/explain.json} (ops, sample period, system calls by
 * name, the timed median), from which the report derives its tables, paragraphs and differential flame graphs.
 */
final class Explain {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One target's workload in the pass.
     *
     * @param timedNanos the timed median of one op (from the suite's rows): what sizes the pass, and what the CPU profile is set against
     * @param cpuOps how many ops the stacks are recorded over
     * @param syscallOps how many ops the system calls are counted over (every call is a record: fewer)
     * @param workload a run of that many ops
     */
    record Work(Target target, double timedNanos, long cpuOps, long syscallOps, LongFunction<Runnable> workload) {}

    private Explain() {}

    /** Ops that take about {@code seconds} at the timed median, within [min, max]. */
    static long opsFor(double seconds, double timedNanos, long min, long max) {
        long n = timedNanos > 0 ? Math.round(seconds * 1e9 / timedNanos) : min;
        return Math.max(min, Math.min(max, n));
    }

    /**
     * Profiles each target's workload and writes the suite's explain directory; a target whose pass fails is left
     * out with the reason in the manifest. Does nothing unless the run was asked to explain.
     */
    static void run(SuiteContext ctx, String suite, String workload, String unit, List<Work> works) {
        if (ctx.profiler().isEmpty()) return;
        Profiler profiler = ctx.profiler().get();
        long begun = System.nanoTime();
        Path dir = ctx.out().resolve(Explanations.DIR).resolve(suite);
        ObjectNode index = JSON.createObjectNode();
        index.put("suite", suite);
        index.put("workload", workload);
        index.put("unit", unit);
        index.put("baseline", "host");
        index.put("period_ns", Profiler.PERIOD_NANOS);
        ArrayNode targets = index.putArray("targets");
        try {
            Files.createDirectories(dir);
            for (Work w : works) {
                Target t = w.target();
                ctx.progress().step(suite, "explain: profiling " + t.label() + " over " + w.cpuOps() + " " + unit + "s (untimed)");
                try {
                    Map<String, Long> stacks = profiler.stacks(Explain::runProcesses, w.workload().apply(w.cpuOps()));
                    Map<String, Long> calls = Map.of();
                    long syscallOps = 0;
                    try {
                        calls = profiler.syscalls(Explain::runProcesses, w.workload().apply(w.syscallOps()));
                        syscallOps = w.syscallOps();
                    } catch (RuntimeException e) { // the stacks still explain
                        ctx.skip(suite, "the system-call count of " + t.label(), e.getMessage());
                    }
                    String file = Explanations.fileName(t.label()) + ".folded";
                    writeFolded(dir.resolve(file), stacks);
                    ObjectNode o = targets.addObject();
                    o.put("target", t.name());
                    o.put("variant", t.variant());
                    o.put("folded", file);
                    o.put("ops", w.cpuOps());
                    o.put("samples", stacks.values().stream().mapToLong(Long::longValue).sum());
                    o.put("timed_ns", w.timedNanos());
                    o.put("syscall_ops", syscallOps);
                    ObjectNode sc = o.putObject("syscalls");
                    calls.forEach(sc::put);
                } catch (RuntimeException e) {
                    ctx.skip(suite, "explain of " + t.label(), e.getMessage());
                }
            }
            JSON.writeValue(dir.resolve(Explanations.INDEX).toFile(), index);
        } catch (IOException e) {
            ctx.skip(suite, "explain", "cannot write " + dir + ": " + e.getMessage());
        } finally {
            ctx.explained(System.nanoTime() - begun);
        }
    }

    /**
     * The run's JVM and every process it started that is still there: the engine's spare monitor, the run's own dockerd
     * and containerd; what they start from then on perf follows itself.
     */
    private static List<Long> runProcesses() {
        List<Long> pids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    private static void writeFolded(Path file, Map<String, Long> stacks) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (var e : stacks.entrySet()) {
                w.write(e.getKey());
                w.write(' ');
                w.write(Long.toString(e.getValue()));
                w.write('\n');
            }
        }
    }
}
