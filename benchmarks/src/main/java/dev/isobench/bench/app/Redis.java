package dev.isobench.bench.app;

import dev.isobench.bench.process.Processes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis with redis-benchmark, as Felter et al. ran it: SET then GET of 50-byte values on 100,000 random keys, the
 * load generator's connections as the concurrency. No persistence (no RDB, no AOF): a fresh server per run is the
 * FLUSHALL. redis-benchmark counts requests, not seconds: the rate the place reached before sizes the count to the
 * run's length.
 */
public final class Redis implements Workload {
    /** The rate assumed before any run: the first run is short on a fast host and long on a slow sandbox. */
    private static final double FIRST_RATE = 20_000;

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<String> benchmarks() {
        return List.of("redis-get", "redis-set");
    }

    @Override
    public String unit() {
        return "req/s";
    }

    @Override
    public boolean server() {
        return true;
    }

    @Override
    public Set<Knob> knobs() {
        return Set.of(Knob.NET);
    }

    @Override
    public Map<String, String> programs() {
        return Map.of("redis-server", "redis-server", "redis-benchmark", "redis-tools", "redis-cli", "redis-tools");
    }

    @Override
    public List<String> command(Inside in, Load load) {
        return List.of(Programs.require("redis-server", "redis-server"), "--bind", in.listen(), "--port", Integer.toString(in.port()),
                "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", in.data(), "--logfile", "");
    }

    @Override
    public List<String> client(String address, int port, Load load) {
        // SET and GET take half the run each
        long requests = load.operations(FIRST_RATE, 4_000) / 2;
        return List.of(Programs.require("redis-benchmark", "redis-tools"), "-h", address, "-p", Integer.toString(port), "-t", "set,get",
                "-d", "50", "-r", "100000", "-n", Long.toString(requests), "-c", Integer.toString(load.clients()), "--csv");
    }

    @Override
    public boolean ready(String address, int port, Path scratch) {
        return Processes.run(List.of(Programs.require("redis-cli", "redis-tools"), "-h", address, "-p", Integer.toString(port), "ping"), scratch)
                .stdout().trim().equals("PONG");
    }

    /** redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",... */
    @Override
    public Map<String, Measure> parse(String output) {
        Map<String, Measure> out = new LinkedHashMap<>();
        List<String> header = List.of();
        for (String line : output.lines().toList()) {
            List<String> f = List.of(line.replace("\"", "").split(","));
            if (f.get(0).equals("test")) {
                header = f;
            } else if (f.size() >= 2 && (f.get(0).equals("GET") || f.get(0).equals("SET"))) {
                double rps = Double.parseDouble(f.get(1));
                out.put("redis-" + f.get(0).toLowerCase(), new Measure(rps, micros(header, f, "p50_latency_ms"), micros(header, f, "p99_latency_ms")));
            }
        }
        if (out.size() != 2) throw new IllegalStateException("redis-benchmark printed no GET and SET lines: " + output.strip());
        return out;
    }

    private static double micros(List<String> header, List<String> fields, String column) {
        int i = header.indexOf(column); // redis-benchmark before 7 prints the rate alone
        return i < 0 || i >= fields.size() ? Double.NaN : Double.parseDouble(fields.get(i)) * 1000;
    }
}
