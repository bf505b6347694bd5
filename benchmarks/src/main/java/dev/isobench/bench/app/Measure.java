package dev.isobench.bench.app;

/** What one run of a workload measured: its throughput (in the workload's unit) and latency percentiles in microseconds. */
public record Measure(double throughput, double p50Micros, double p99Micros) {
    public Measure {
        if (!(throughput > 0)) throw new IllegalArgumentException("a run measured no throughput (" + throughput + ")");
    }
}
