package dev.isobench.bench.app;

import dev.isobench.bench.process.Execution;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a workload runs: the host, or a target set up one way (the engine with its network through a published
 * port, Docker with the data in the container's layer, ...). Each run opens a session of its own: a fresh data
 * directory, a server or a whole workload, and nothing left after {@link Session#close()}.
 */
public interface Place {
    /** The target's name, as the other suites' rows have it: host, engine, runc, crun, docker, runsc. */
    String target();

    /** How the target is set up, as the other suites' rows have it (docker's runtime, runsc's platform). */
    String variant();

    /** The knobs' settings, for the rows' param column: net and storage, and the engine's seccomp and cgroup. */
    Map<String, String> settings();

    /** Why a server in this place cannot be reached from a load generator, or empty when it can. */
    default Optional<String> cannotServe() {
        return Optional.empty();
    }

    /** Why this workload cannot run in this place (a file system without O_DIRECT, say), or empty when it can. */
    default Optional<String> cannotRun(Workload w) {
        return Optional.empty();
    }

    /** A run's own place: its data directory made, its port chosen; nothing started yet. */
    Session open(SeedDir seed);

    /** One run in a place. */
    interface Session extends AutoCloseable {
        /** The run's paths and address as its processes see them. */
        Inside inside();

        /** Starts the server's command line, detached, its output to the session's log. */
        void serve(List<String> argv);

        /** Whether the server is still running. */
        boolean alive();

        /** Where a load generator reaches the server: an address and a port, as the load generator sees them. */
        String address();

        int port();

        /** The address the host reaches the server at directly (for the readiness check, past any port proxy). */
        default String directAddress() {
            return address();
        }

        default int directPort() {
            return port();
        }

        /** Runs the load generator: on the host, pinned to the client CPU, unless the place puts it elsewhere. */
        Execution client(List<String> argv);

        /** Runs a whole workload (one that is no server) to its exit, pinned to the server CPU. */
        Execution run(List<String> argv);

        /** What the server printed so far. */
        String log();

        /** Stops what runs and removes the run's data and containers. */
        @Override
        void close();
    }
}
