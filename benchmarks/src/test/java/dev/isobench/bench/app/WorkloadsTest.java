package dev.isobench.bench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each workload reads its load generator's real output (recorded from the Debian 12 packages: redis-tools 7.0,
 * pgbench 15, wrk 4.1, fio 3.33, sysbench 1.0) into throughput and latency percentiles, and refuses output that
 * lacks them; its command lines put the run's files, address and counts where the tools expect them.
 */
class WorkloadsTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = WorkloadsTest.class.getResourceAsStream("/app/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void redisBenchmarksCsvGivesGetAndSetWithTheirPercentiles() throws IOException {
        Map<String, Measure> m = new Redis().parse(fixture("redis-benchmark.csv"));
        assertEquals(144927.55, m.get("redis-get").throughput(), 1e-6);
        assertEquals(63, m.get("redis-get").p50Micros(), 1e-9);
        assertEquals(191, m.get("redis-set").p99Micros(), 1e-9);
        assertThrows(IllegalStateException.class, () -> new Redis().parse("ERROR: connection refused"));
    }

    @Test
    void pgbenchsTpsAndItsLatencyLogGiveThroughputAndPercentiles() throws IOException {
        String out = fixture("pgbench.txt");
        Measure m = new Postgres("select", 1).parse(out).get("postgres-select");
        assertEquals(4543.905487, m.throughput(), 1e-6);
        double[] logged = out.substring(out.indexOf("--- latencies") + 14).lines().mapToDouble(l -> Double.parseDouble(l.split(" ")[2])).sorted().toArray();
        assertEquals(40, logged.length, "every transaction's latency is in the log");
        assertEquals(logged[19], m.p50Micros(), 1e-9, "p50: the 20th of 40 latencies");
        assertEquals(logged[39], m.p99Micros(), 1e-9, "p99: the 40th of 40");
        assertThrows(IllegalStateException.class, () -> new Postgres("tpcb", 1).parse("pgbench: error: connection to server failed"));
    }

    @Test
    void wrksRateAndLatencyDistributionAreRead() throws IOException {
        Measure m = new Nginx("1k").parse(fixture("wrk.txt")).get("nginx-1k");
        assertTrue(fixture("wrk.txt").contains(String.format("Requests/sec: %.2f", m.throughput())));
        assertTrue(m.p99Micros() >= m.p50Micros() && m.p50Micros() > 0, m.toString());
        assertThrows(IllegalStateException.class, () -> new Nginx("1k").parse(fixture("wrk-refused.txt")));
        IllegalStateException errors = assertThrows(IllegalStateException.class,
                () -> new Nginx("1k").parse(fixture("wrk.txt") + "  Socket errors: connect 0, read 3, write 0, timeout 0\n"));
        assertTrue(errors.getMessage().contains("Socket errors"), "a run with failed requests fails: " + errors.getMessage());
    }

    @Test
    void fiosJsonGivesIopsAndCompletionLatencies() throws IOException {
        Measure m = new Fio("randread", 64).parse(fixture("fio-randread.json")).get("fio-randread-4k");
        assertEquals(100531.561462, m.throughput(), 1e-6);
        assertEquals(150.528, m.p50Micros(), 1e-9);
        assertThrows(IllegalStateException.class, () -> new Fio("randread", 64).parse("fio: pid=1, err=22/file:filesetup.c, error=Invalid argument"));
    }

    @Test
    void sysbenchsRateAndHistogramGivePercentiles() throws IOException {
        Measure cpu = new Sysbench("cpu").parse(fixture("sysbench-cpu.txt")).get("cpu");
        assertEquals(3165.27, cpu.throughput(), 1e-6);
        assertTrue(cpu.p99Micros() >= cpu.p50Micros() && cpu.p50Micros() > 0, cpu.toString());
        Measure memory = new Sysbench("memory").parse(fixture("sysbench-memory.txt")).get("memory");
        assertEquals(10796.51, memory.throughput(), 1e-6);
    }

    @Test
    void histogramPercentilesAreNearestRank() {
        double[] values = {1, 2, 3};
        long[] counts = {50, 49, 1};
        assertEquals(1, Percentiles.ofHistogram(values, counts, 0.5));
        assertEquals(2, Percentiles.ofHistogram(values, counts, 0.99));
        assertEquals(3, Percentiles.ofHistogram(values, counts, 1.0));
        assertEquals(5, Percentiles.of(new double[] {5, 1, 9, 7, 3}, 0.5));
    }

    @Test
    void commandLinesCarryTheRunsPlacesAndCounts() {
        Inside in = new Inside("/data", "/seed", "0.0.0.0", 6380);
        List<String> redis = new Redis().command(in, new Load(4, 1, Double.NaN));
        assertTrue(String.join(" ", redis).contains("--bind 0.0.0.0 --port 6380") && redis.contains("--dir") && redis.contains("/data"), redis.toString());
        List<String> bench = new Redis().client("127.0.0.1", 7000, new Load(16, 2, 50_000));
        assertEquals("50000", bench.get(bench.indexOf("-n") + 1), "SET and GET each take half of the 2 s at the place's 50,000 req/s");
        String pg = String.join(" ", new Postgres("select", 1).command(in, new Load(4, 1, Double.NaN)));
        assertTrue(pg.startsWith("/bin/sh -c cp -a /seed/pg /data/pg && exec ") && pg.contains("--reuid=65534") && pg.contains("listen_addresses=0.0.0.0"), pg);
        String pgbench = new Postgres("select", 1).client("10.0.0.2", 5432, new Load(4, 1, 8_000)).get(2);
        assertTrue(pgbench.contains(" -S ") && pgbench.contains("-t 2000 ") && pgbench.contains("--log-prefix=$d/latency postgres"), pgbench);
        String fio = new Fio("randwrite", 64).command(in, new Load(1, 0.75, Double.NaN)).get(2);
        assertTrue(fio.contains("--filename=/data/fio.file") && fio.contains("--rw=randwrite --bs=4k") && fio.contains("--runtime=750ms"), fio);
        List<String> memory = new Sysbench("memory").command(in, new Load(1, 1, 3_000));
        assertTrue(memory.contains("--memory-total-size=3008M"), "whole 64 MiB blocks filling 1 s at 3,000 MiB/s: " + memory);
        assertTrue(Arrays.asList(new Nginx("100k").client("127.0.0.1", 8080, new Load(64, 0.4, Double.NaN)).toArray()).contains("-d1s"),
                "wrk takes whole seconds, at least one");
    }
}
