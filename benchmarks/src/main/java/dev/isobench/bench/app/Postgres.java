package dev.isobench.bench.app;

import dev.isobench.bench.process.Processes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL with pgbench: select-only (-S) or the TPC-B-like default, a count of transactions sized to the run's
 * length from the rate the place reached before, every transaction's latency logged. The database is made once (initdb, pgbench -i) into the seed, outside the timed part; every run copies it
 * to its own data directory (a volume or the container's layer: the storage knob) and starts a server on it, so every
 * run of every target starts from the same bytes. The server runs as nobody (PostgreSQL refuses root); fsync stays
 * on, so TPC-B's commits reach the disk as a database's do.
 */
public final class Postgres implements Workload {
    /** Debian's nobody:nogroup, present on every host; the seed's files are theirs. */
    static final String NOBODY = "65534";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final String LATENCIES = "--- latencies";
    /** The rate assumed before any run: the first run is short on a fast host and long on a slow sandbox. */
    private static final double FIRST_RATE = 2_000;
    private final boolean selectOnly;
    private final int scale;

    /**
     * @param mode select (pgbench -S) or tpcb (the default script)
     * @param scale pgbench's scale factor (100,000 accounts each)
     */
    public Postgres(String mode, int scale) {
        if (!mode.equals("select") && !mode.equals("tpcb")) throw new IllegalArgumentException("pgbench modes are select and tpcb, got " + mode);
        this.selectOnly = mode.equals("select");
        this.scale = scale;
    }

    @Override
    public String name() {
        return selectOnly ? "postgres-select" : "postgres-tpcb";
    }

    @Override
    public List<String> benchmarks() {
        return List.of(name());
    }

    @Override
    public String unit() {
        return "tx/s";
    }

    @Override
    public boolean server() {
        return true;
    }

    @Override
    public Set<Knob> knobs() {
        return Set.of(Knob.NET, Knob.STORAGE);
    }

    @Override
    public Map<String, String> programs() {
        return Map.of("postgres", "postgresql", "initdb", "postgresql", "pgbench", "postgresql", "pg_isready", "postgresql-client");
    }

    /** initdb as nobody, then pgbench -i on a server started on it for the purpose and stopped again. */
    @Override
    public void prepare(Path seed, Path scratch) {
        Path data = seed.resolve("pg");
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) return; // the other mode made it
        try {
            Files.createDirectories(seed);
            Processes.run(List.of("chown", NOBODY + ":" + NOBODY, seed.toString()), scratch).requireSuccess("chown the PostgreSQL seed");
            Processes.run(asNobody(Programs.require("initdb", "postgresql"), "-D", data.toString(), "-U", "isobench", "--auth=trust", "-E", "UTF8",
                    "--no-sync"), scratch).requireSuccess("initdb");
            // a load generator outside the server's network namespace (a published port, the bridge) is not local
            Files.writeString(data.resolve("pg_hba.conf"), "host all all 0.0.0.0/0 trust\n", StandardOpenOption.APPEND);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process server = new ProcessBuilder(asNobody(serverArgs(data.toString(), "127.0.0.1", port)))
                    .redirectErrorStream(true).redirectOutput(scratch.resolve("postgres-seed.log").toFile()).start();
            try {
                awaitReady("127.0.0.1", port, scratch, server);
                Processes.run(List.of(Programs.require("pgbench", "postgresql"), "-i", "-s", Integer.toString(scale), "-q", "-h", "127.0.0.1",
                        "-p", Integer.toString(port), "-U", "isobench", "postgres"), scratch).requireSuccess("pgbench -i");
            } finally {
                server.destroy(); // SIGTERM: a smart shutdown, the data written out
                if (!server.waitFor(60, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the PostgreSQL seed in " + seed + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the PostgreSQL seed", e);
        }
    }

    @Override
    public String seedName() {
        return "postgres";
    }

    private void awaitReady(String address, int port, Path scratch, Process server) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (!server.isAlive()) throw new IllegalStateException("postgres exited " + server.exitValue() + " (see " + scratch.resolve("postgres-seed.log") + ")");
            if (ready(address, port, scratch)) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("postgres did not answer within 30 s");
    }

    private static List<String> asNobody(String... argv) {
        return asNobody(List.of(argv));
    }

    private static List<String> asNobody(List<String> argv) {
        List<String> all = new ArrayList<>(List.of(Programs.require("setpriv", "util-linux"), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        all.addAll(argv);
        return all;
    }

    /** No unix socket (a container's /run may not be writable); dynamic shared memory in files, as /dev/shm may be small. */
    private static List<String> serverArgs(String data, String listen, int port) {
        return List.of(Programs.require("postgres", "postgresql"), "-D", data, "-p", Integer.toString(port), "-c", "listen_addresses=" + listen,
                "-c", "unix_socket_directories=", "-c", "dynamic_shared_memory_type=mmap", "-c", "max_connections=200");
    }

    @Override
    public List<String> command(Inside in, Load load) {
        String copy = "cp -a " + in.seed() + "/pg " + in.data() + "/pg";
        List<String> server = asNobody(serverArgs(in.data() + "/pg", in.listen(), in.port()));
        return List.of("/bin/sh", "-c", copy + " && exec " + Shell.join(server));
    }

    @Override
    public List<String> client(String address, int port, Load load) {
        // transactions, not seconds (-T takes whole seconds): each client's share of what fills the run at the place's rate
        long perClient = Math.max(20, load.operations(FIRST_RATE, 0) / load.clients());
        List<String> pgbench = new ArrayList<>(List.of(Programs.require("pgbench", "postgresql"), "-n", "-t", Long.toString(perClient),
                "-c", Integer.toString(load.clients()), "-j", "1", "-h", address, "-p", Integer.toString(port), "-U", "isobench", "-l"));
        if (selectOnly) pgbench.add(1, "-S");
        // pgbench writes the latency log to files: printed after its summary, so the line runs as well in a container
        String script = "d=$(mktemp -d) && " + Shell.join(pgbench) + " --log-prefix=$d/latency postgres >$d/out 2>&1; rc=$?; cat $d/out; echo '" + LATENCIES + "'; cat $d/latency*; rm -rf $d; exit $rc";
        return List.of("/bin/sh", "-c", script);
    }

    @Override
    public boolean ready(String address, int port, Path scratch) {
        return Processes.run(List.of(Programs.require("pg_isready", "postgresql-client"), "-q", "-h", address, "-p", Integer.toString(port),
                "-U", "isobench", "-d", "postgres"), scratch).exitCode() == 0;
    }

    /** pgbench's "tps = N (without initial connection time)", and its log: client, transaction, latency (us), ... per line. */
    @Override
    public Map<String, Measure> parse(String output) {
        Matcher m = TPS.matcher(output);
        if (!m.find()) throw new IllegalStateException("pgbench printed no tps: " + output.lines().limit(20).reduce("", (a, b) -> a + b + " | "));
        int start = output.indexOf(LATENCIES);
        double[] latencies = start < 0 ? new double[0] : output.substring(start + LATENCIES.length()).lines().map(String::trim)
                .filter(l -> !l.isEmpty()).mapToDouble(l -> Double.parseDouble(l.split("\\s+")[2])).toArray();
        return Map.of(name(), new Measure(Double.parseDouble(m.group(1)), Percentiles.of(latencies, 0.5), Percentiles.of(latencies, 0.99)));
    }
}
