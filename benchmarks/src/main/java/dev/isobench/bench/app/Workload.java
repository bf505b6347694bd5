package dev.isobench.bench.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One application workload: a real server from the host's packages and its own load generator (Redis and
 * redis-benchmark, PostgreSQL and pgbench, nginx and wrk), or a program that is its own load (fio, sysbench). Every
 * target runs the host's very binaries; the command lines are plain {@code sh -c} scripts, so the same line runs on the
 * host, in a container and in a sandbox.
 */
public interface Workload {
    /** The knobs a workload can feel: the network path of a server, the storage its data is on. */
    enum Knob { NET, STORAGE }

    /** The workload's name, and the first part of its rows' benchmark names: redis, postgres-select, nginx-1k, fio-randread, cpu. */
    String name();

    /** The seed directory's name: workloads that start from the same data share one (both pgbench modes). */
    default String seedName() {
        return name();
    }

    /** The benchmark names of the rows one run yields (redis-get and redis-set from one redis-benchmark). */
    List<String> benchmarks();

    /** The unit of its throughput. */
    String unit();

    /** Whether it is a server driven by a load generator over TCP (else it runs whole inside its place). */
    boolean server();

    /** What changes this workload: a server feels the network, one that writes files the storage. */
    Set<Knob> knobs();

    /** The host programs it needs, and the Debian package of each; what is missing is named when it is skipped. */
    Map<String, String> programs();

    /**
     * Writes what every run starts from into {@code seed} (a database, a configuration, files to serve), once and
     * outside the timed part; {@code scratch} takes temporary output.
     */
    default void prepare(Path seed, Path scratch) {}

    /** The server's command line (a server), or the whole workload's, in its place. */
    List<String> command(Inside in, Load load);

    /** The load generator's command line, against a server at this address (servers only). */
    default List<String> client(String address, int port, Load load) {
        throw new UnsupportedOperationException(name() + " is not a server");
    }

    /** Whether the server answers at this address: it has started (servers only). */
    default boolean ready(String address, int port, Path scratch) {
        return true;
    }

    /** What one run measured, from its load generator's output (or the workload's own), per benchmark name. */
    Map<String, Measure> parse(String output);

    /** Why it cannot run at all on this host (a program missing), or empty. */
    default Optional<String> missing() {
        return Programs.missing(programs());
    }
}
