package dev.isobench.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The fleet run's summary: a table on the console and fleet.json, with each host's status and reason, its
 * time per phase and the fleet's overhead on it (copy: connect, check root, copy the bundle; start: the run
 * task less the run's own wall time; fetch: pack and bring back), and the fleet's wall time against its
 * slowest host and the sum of all hosts.
 */
final class FleetSummary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FleetSummary() {}

    static void write(FleetRun.Result r, FleetRun.Options o, Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("inventory", o.inventory().toAbsolutePath().toString());
        root.put("profile", o.profile());
        root.put("suites", String.join(",", o.suites()));
        root.put("targets", String.join(",", o.targets()));
        root.put("serial", o.serial());
        root.put("baseline", r.baseline());
        root.put("interrupted", r.interrupted());
        root.put("wall_seconds", r.wallSeconds());
        root.put("slowest_host_seconds", slowest(r));
        root.put("sum_of_hosts_seconds", sum(r));
        root.put("comparison", r.comparison().map(Path::toString).orElse(null));
        ArrayNode hosts = root.putArray("hosts");
        for (HostOutcome h : r.hosts()) {
            ObjectNode n = hosts.addObject();
            n.put("host", h.host());
            n.put("status", h.status().label);
            n.put("reason", h.reason());
            n.put("results", h.results().map(p -> p.getFileName().toString()).orElse(null));
            n.put("complete", h.complete());
            ObjectNode s = n.putObject("seconds");
            h.phaseSeconds().forEach((phase, secs) -> s.put(phase, round(secs)));
            s.put("total", round(h.totalSeconds()));
            put(s, "run_wall", h.runWall());
            ObjectNode over = n.putObject("overhead_seconds");
            over.put("copy", round(h.copySeconds()));
            put(over, "start", h.startSeconds());
            over.put("fetch", round(h.phase("fetch")));
            put(over, "total", h.overheadSeconds());
        }
        try {
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new FleetException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void print(FleetRun.Result r, FleetRun.Options o, Path out, PrintStream p) {
        p.println();
        p.printf("%-16s %-12s %8s %8s %8s %8s %8s %9s  %s%n", "host", "status", "copy s", "start s", "run s", "fetch s", "total s", "overhead", "results / reason");
        for (HostOutcome h : r.hosts()) {
            String where = h.status() == HostOutcome.Status.OK ? out.relativize(h.results().orElseThrow()) + "/"
                    : h.reason().lines().findFirst().orElse("") + h.results().map(d -> " (partial results in " + out.relativize(d) + "/)").orElse("");
            p.printf(Locale.ROOT, "%-16s %-12s %8s %8s %8s %8s %8s %9s  %s%n", h.host(), h.status().label, secs(h.copySeconds()), secs(h.startSeconds()),
                    secs(h.runWall()), secs(h.phase("fetch")), secs(h.totalSeconds()), secs(h.overheadSeconds()), where);
        }
        p.printf(Locale.ROOT, "fleet: %d hosts %s in %.1f s; slowest host %.1f s, all hosts together %.1f s%n", r.hosts().size(),
                o.serial() ? "one after another" : "in parallel", r.wallSeconds(), slowest(r), sum(r));
        p.println("summary: " + out.resolve("fleet.json"));
        r.comparison().ifPresent(c -> p.println("comparison: " + c + " (baseline " + r.baseline() + ")"));
        p.flush();
    }

    private static double slowest(FleetRun.Result r) {
        return round(r.hosts().stream().mapToDouble(HostOutcome::totalSeconds).max().orElse(0));
    }

    private static double sum(FleetRun.Result r) {
        return round(r.hosts().stream().mapToDouble(HostOutcome::totalSeconds).sum());
    }

    private static void put(ObjectNode n, String field, OptionalDouble v) {
        if (v.isPresent()) n.put(field, round(v.getAsDouble()));
        else n.putNull(field);
    }

    private static String secs(double v) {
        return v == 0 ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String secs(OptionalDouble v) {
        return v.isPresent() ? secs(v.getAsDouble()) : "-";
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
