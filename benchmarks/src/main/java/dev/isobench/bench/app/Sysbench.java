package dev.isobench.bench.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control that should cost nothing in a container: sysbench's CPU test (primes, one thread) and its memory test
 * (writes of 64 MiB blocks, past the caches), as Felter's Linpack and STREAM. Latency is per event, from sysbench's
 * histogram.
 */
public final class Sysbench implements Workload {
    private static final Pattern HISTOGRAM = Pattern.compile("^\\s*([0-9.]+)\\s+\\|[* ]*\\s+([0-9]+)\\s*$");
    private static final Pattern CPU = Pattern.compile("events per second:\\s+([0-9.]+)");
    private static final Pattern MEMORY = Pattern.compile("\\(([0-9.]+) MiB/sec\\)");
    private final boolean cpu;

    /** @param test cpu or memory */
    public Sysbench(String test) {
        if (!test.equals("cpu") && !test.equals("memory")) throw new IllegalArgumentException("sysbench tests are cpu and memory, got " + test);
        this.cpu = test.equals("cpu");
    }

    @Override
    public String name() {
        return cpu ? "cpu" : "memory";
    }

    @Override
    public List<String> benchmarks() {
        return List.of(name());
    }

    @Override
    public String unit() {
        return cpu ? "events/s" : "MiB/s";
    }

    @Override
    public boolean server() {
        return false;
    }

    @Override
    public Set<Knob> knobs() {
        return Set.of();
    }

    @Override
    public Map<String, String> programs() {
        return Map.of("sysbench", "sysbench");
    }

    @Override
    public List<String> command(Inside in, Load load) {
        // events, not seconds (--time takes whole seconds): what fills the run at the place's rate; the memory test
        // counts its events by the total size it writes (it does not stop at --events)
        long events = load.operations(cpu ? 500 : 8 * 1024, cpu ? 10 : 640);
        List<String> argv = new ArrayList<>(List.of(Programs.require("sysbench", "sysbench"), name(), "--threads=1", "--time=0", "--histogram=on"));
        if (cpu) argv.add("--events=" + events);
        else argv.addAll(List.of("--memory-block-size=64M", "--memory-total-size=" + (events / 64 + 1) * 64 + "M"));
        argv.add("run");
        return argv;
    }

    @Override
    public Map<String, Measure> parse(String output) {
        Matcher m = (cpu ? CPU : MEMORY).matcher(output);
        if (!m.find()) throw new IllegalStateException("sysbench printed no rate: " + output.strip());
        List<Double> values = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher h = HISTOGRAM.matcher(line);
            if (h.matches()) {
                values.add(Double.parseDouble(h.group(1)) * 1000); // ms
                counts.add(Long.parseLong(h.group(2)));
            }
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        long[] c = counts.stream().mapToLong(Long::longValue).toArray();
        return Map.of(name(), new Measure(Double.parseDouble(m.group(1)), Percentiles.ofHistogram(v, c, 0.5), Percentiles.ofHistogram(v, c, 0.99)));
    }
}
