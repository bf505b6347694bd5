package dev.isobench.bench.fleet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What became of one host in a fleet run: its status and, unless ok, the reason; its time per phase; and
 * its results directory when one came back (complete or, for a run that failed or was stopped, as far as it got).
 *
 * @param runWall the run's own wall time from its manifest: the rest of the host's time is the fleet's overhead
 */
record HostOutcome(String host, Status status, String reason, Map<String, Double> phaseSeconds, double totalSeconds,
                   OptionalDouble runWall, Optional<Path> results, boolean complete) {
    enum Status {
        OK("ok"), UNREACHABLE("unreachable"), NO_ROOT("no root"), RUN_FAILED("run failed"), FAILED("failed"),
        INTERRUPTED("interrupted"), NOT_RUN("not run");

        final String label;

        Status(String label) {
            this.label = label;
        }
    }

    HostOutcome {
        phaseSeconds = Map.copyOf(phaseSeconds);
    }

    /** From a host's events: the first failure decides the status, an interrupted fleet run marks the rest. */
    static HostOutcome of(String host, List<Events.Event> events, boolean interrupted, OptionalDouble runWall, Optional<Path> results, boolean complete) {
        Status status = Status.OK;
        String reason = "";
        Optional<Events.Event> failure = events.stream().filter(Events.Event::fails).findFirst();
        if (failure.isPresent()) {
            Events.Event f = failure.get();
            reason = f.reason().isEmpty() ? "task '" + f.task() + "' " + f.kind() : f.reason();
            if (f.kind().equals("unreachable")) status = Status.UNREACHABLE;
            else if (f.task().contains("refuse a host without root")) status = Status.NO_ROOT;
            else if (f.phase().equals("run")) status = Status.RUN_FAILED;
            else status = Status.FAILED;
            if (interrupted && status == Status.RUN_FAILED) {
                status = Status.INTERRUPTED;
                reason = "stopped by Ctrl-C (" + reason.lines().reduce((a, b) -> b).orElse("") + ")";
            }
        } else if (events.isEmpty()) {
            status = interrupted ? Status.INTERRUPTED : Status.NOT_RUN;
            reason = interrupted ? "stopped by Ctrl-C before it started" : "the playbook never reached this host (see fleet/ansible.log)";
        } else if (interrupted && !complete) {
            status = Status.INTERRUPTED;
            reason = "stopped by Ctrl-C";
        }
        double total = events.isEmpty() ? 0 : events.get(events.size() - 1).time() - events.get(0).time();
        return new HostOutcome(host, status, reason, Events.phaseSeconds(events), total, runWall, results, complete);
    }

    double phase(String name) {
        return phaseSeconds.getOrDefault(name, 0.0);
    }

    /** Connecting, checking root and copying the bundle. */
    double copySeconds() {
        return phase("prepare") + phase("copy");
    }

    /** The run task less the run's own wall time: ssh, scripts/setup's checks, the JVM's start, the class archive. */
    OptionalDouble startSeconds() {
        return runWall.isPresent() && phaseSeconds.containsKey("run") ? OptionalDouble.of(Math.max(0, phase("run") - runWall.getAsDouble())) : OptionalDouble.empty();
    }

    /** Everything the host spent on the fleet's account rather than on its suites. */
    OptionalDouble overheadSeconds() {
        return runWall.isPresent() ? OptionalDouble.of(Math.max(0, totalSeconds - runWall.getAsDouble())) : OptionalDouble.empty();
    }
}
