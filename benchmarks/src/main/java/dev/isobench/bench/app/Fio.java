package dev.isobench.bench.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fio on a file of the run's own, in its data directory (a volume, or the container's layer: the storage knob):
 * 4 KiB random reads or writes at queue depth 16, or 1 MiB sequential ones, libaio and O_DIRECT, as Felter et al.
 * ran it. The file is laid out (written whole, synced) before the timed part, so reads hit real blocks.
 */
public final class Fio implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> PATTERNS = List.of("randread", "randwrite", "read", "write");
    private final String pattern;
    private final int fileMib;

    /**
     * @param pattern randread and randwrite (4 KiB blocks), read and write (1 MiB blocks)
     * @param fileMib the file's size
     */
    public Fio(String pattern, int fileMib) {
        if (!PATTERNS.contains(pattern)) throw new IllegalArgumentException("fio patterns are " + String.join(", ", PATTERNS) + ", got " + pattern);
        this.pattern = pattern;
        this.fileMib = fileMib;
    }

    private boolean random() {
        return pattern.startsWith("rand");
    }

    private boolean reads() {
        return pattern.endsWith("read");
    }

    @Override
    public String name() {
        return "fio-" + pattern + (random() ? "-4k" : "-1m");
    }

    @Override
    public List<String> benchmarks() {
        return List.of(name());
    }

    @Override
    public String unit() {
        return random() ? "IOPS" : "MiB/s";
    }

    @Override
    public boolean server() {
        return false;
    }

    @Override
    public Set<Knob> knobs() {
        return Set.of(Knob.STORAGE);
    }

    @Override
    public Map<String, String> programs() {
        return Map.of("fio", "fio");
    }

    @Override
    public List<String> command(Inside in, Load load) {
        String fio = Shell.quote(Programs.require("fio", "fio"));
        String file = in.data() + "/fio.file";
        String layout = fio + " --name=layout --filename=" + file + " --size=" + fileMib + "m --rw=write --bs=1m --end_fsync=1 >/dev/null";
        String run = fio + " --output-format=json --name=run --filename=" + file + " --size=" + fileMib + "m --direct=1 --ioengine=libaio"
                + " --iodepth=16 --rw=" + pattern + " --bs=" + (random() ? "4k" : "1m") + " --runtime=" + Math.max(100, Math.round(load.seconds() * 1000))
                + "ms --time_based --randrepeat=1 --norandommap";
        return List.of("/bin/sh", "-c", layout + " && exec " + run);
    }

    /** fio's JSON: the job's read or write side, its IOPS or bandwidth (KiB/s), and completion latency percentiles (ns). */
    @Override
    public Map<String, Measure> parse(String output) {
        try {
            JsonNode side = JSON.readTree(output.substring(Math.max(0, output.indexOf('{')))).path("jobs").path(0).path(reads() ? "read" : "write");
            double throughput = random() ? side.path("iops").asDouble() : side.path("bw").asDouble() / 1024;
            JsonNode pct = side.path("clat_ns").path("percentile");
            return Map.of(name(), new Measure(throughput, pct.path("50.000000").asDouble(Double.NaN) / 1e3, pct.path("99.000000").asDouble(Double.NaN) / 1e3));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("fio printed no result: " + output.lines().limit(5).reduce("", (a, b) -> a + b + " | "), e);
        }
    }
}
