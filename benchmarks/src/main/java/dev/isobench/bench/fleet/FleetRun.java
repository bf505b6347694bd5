package dev.isobench.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.report.Compare;
import dev.isobench.report.HtmlReport;
import dev.isobench.report.Manifest;
import dev.isobench.report.ReportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One run of the suites across an inventory's hosts, on Ansible (deploy/ansible): the bundle to every host, the
 * run on each (in parallel, or one host after another), each host's results directory back into OUT/HOST/, one
 * comparison of them all in OUT/comparison/, and OUT/fleet.json with each host's status, reason and time per
 * phase. A host that fails leaves the others' results alone. Ctrl-C stops the playbook, then the remote runs
 * (stop.yml), and keeps what they finished.
 */
public final class FleetRun {
    /** A directory of OUT for the fleet's own files (bundle, vars, events, logs): no host may take its name. */
    public static final String FLEET_DIR = "fleet";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param runArgs more `isobench run` arguments for every host (each host may add its own: isobench_run_args)
     * @param baseline the host the others are compared to (default: the first in the inventory)
     * @param profileFile the whole profile of a profile file (JSON), which the hosts run from the bundle; empty for a
     *     built-in profile, named by {@code profile}
     */
    public record Options(Path inventory, String profile, Optional<String> profileFile, List<String> suites, List<String> targets, boolean serial,
                          Optional<String> baseline, List<String> runArgs, Path out) {
        public Options {
            suites = List.copyOf(suites);
            targets = List.copyOf(targets);
            runArgs = List.copyOf(runArgs);
        }
    }

    /** What the run did: every host's outcome, the comparison if two hosts or more came back, the wall time. */
    public record Result(List<HostOutcome> hosts, Optional<Path> comparison, String baseline, boolean interrupted, double wallSeconds) {
        /** 0: every host ran; 3: some did not (their reasons are in the summary); 130: stopped by Ctrl-C. */
        public int exitCode() {
            if (interrupted) return 130;
            return hosts.stream().allMatch(h -> h.status() == HostOutcome.Status.OK) ? 0 : 3;
        }
    }

    private final Options options;
    private final Path repo;
    private final PrintStream progress;
    private final long begun = System.nanoTime();

    public FleetRun(Options options, Path jar, PrintStream progress) {
        this.options = options;
        this.repo = Bundle.repositoryOf(jar);
        this.progress = progress;
    }

    public Result run() {
        Ansible ansible = new Ansible(repo.resolve("deploy/ansible"));
        List<String> hosts = ansible.hosts(options.inventory());
        for (String h : hosts) {
            if (!HOST_NAME.matcher(h).matches() || h.equals(FLEET_DIR)) {
                throw new FleetException("inventory host '" + h + "': its results go to OUT/" + h + "/, so a name must be letters, digits, '.', '_' or"
                        + " '-' and not '" + FLEET_DIR + "' (use an alias: NAME ansible_host=ADDRESS)");
            }
        }
        String baseline = options.baseline().orElse(hosts.get(0));
        if (!hosts.contains(baseline)) throw new FleetException("--baseline " + baseline + " is not a host of the inventory (" + String.join(", ", hosts) + ")");
        Path out = options.out().toAbsolutePath().normalize();
        Path fleet = out.resolve(FLEET_DIR);
        prepareOut(out, fleet);
        String runId = "fleet-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Bundle.write(repo, fleet.resolve("isobench.tar.gz"), options.profileFile().map(j -> j.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path vars = writeVars(fleet, runId);
        Events events = new Events(fleet.resolve("events.jsonl"));
        say("fleet: " + hosts.size() + " hosts (" + String.join(", ", hosts) + ")" + (options.serial() ? ", one after another" : ", in parallel")
                + ", profile " + options.profile() + "; Ansible's output in " + fleet.resolve("ansible.log"));

        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<Ansible.Running> playing = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            Ansible.Running r = playing.get();
            if (r != null) r.interrupt();
            try {
                done.await(); // the fleet stops the remote runs and writes its summary before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (options.serial()) {
                // one playbook run per host: under Ansible's own serial, a batch whose every host fails ends the play
                for (String h : hosts) {
                    if (interrupted.get()) break;
                    play(ansible, "isobench.yml", varsFor(fleet, vars, "vars-" + h + ".json", List.of(h)), events, fleet, playing);
                }
            } else {
                play(ansible, "isobench.yml", vars, events, fleet, playing);
            }
            if (interrupted.get()) {
                say("fleet: stopped by Ctrl-C: stopping the runs on the hosts and fetching what they finished");
                List<String> unfinished = hosts.stream().filter(h -> !finished(events.of(h))).toList();
                if (!unfinished.isEmpty()) {
                    play(ansible, "stop.yml", varsFor(fleet, vars, "stop-vars.json", unfinished), events, fleet, playing);
                }
            }
            List<HostOutcome> outcomes = new ArrayList<>();
            for (String h : hosts) outcomes.add(outcome(h, events.of(h), fleet, out, interrupted.get()));
            Files.deleteIfExists(fleet.resolve("isobench.tar.gz"));
            Optional<Path> comparison = compare(outcomes, baseline, out);
            Result result = new Result(List.copyOf(outcomes), comparison, baseline, interrupted.get(), secondsSince(begun));
            FleetSummary.write(result, options, out.resolve("fleet.json"));
            FleetSummary.print(result, options, out, progress);
            return result;
        } catch (IOException e) {
            throw new FleetException("cannot remove the bundle from " + fleet + ": " + e.getMessage(), e);
        } finally {
            done.countDown();
            if (!interrupted.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook runs and returns at once
                }
            }
        }
    }

    private void prepareOut(Path out, Path fleet) {
        try {
            if (Files.isDirectory(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent()) throw new FleetException("--out " + out + " is not empty: give a new directory for this fleet run");
                }
            }
            Files.createDirectories(fleet);
        } catch (IOException e) {
            throw new FleetException("cannot create " + fleet + ": " + e.getMessage(), e);
        }
    }

    private Path writeVars(Path fleet, String runId) {
        ObjectNode v = JSON.createObjectNode();
        v.put("isobench_bundle", fleet.resolve("isobench.tar.gz").toString());
        v.put("isobench_profile", options.profileFile().isPresent() ? Bundle.PROFILE : options.profile());
        v.put("isobench_suites", String.join(",", options.suites()));
        v.put("isobench_targets", String.join(",", options.targets()));
        v.put("isobench_fleet_args", String.join(" ", options.runArgs().stream().map(FleetRun::shellQuote).toList()));
        v.put("isobench_out", fleet.getParent().toString());
        v.put("isobench_run_id", runId);
        v.put("isobench_git_commit", gitCommit());
        Path file = fleet.resolve("vars.json");
        try {
            JSON.writeValue(file.toFile(), v);
        } catch (IOException e) {
            throw new FleetException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** The run's variables for a playbook limited to these hosts. */
    private static Path varsFor(Path fleet, Path vars, String name, List<String> hosts) {
        try {
            ObjectNode v = (ObjectNode) JSON.readTree(vars.toFile());
            v.put("isobench_hosts", String.join(",", hosts));
            Path file = fleet.resolve(name);
            JSON.writeValue(file.toFile(), v);
            return file;
        } catch (IOException e) {
            throw new FleetException("cannot write the playbook's variables for " + hosts + ": " + e.getMessage(), e);
        }
    }

    /** Runs one playbook to its end, printing each host's progress as its events come. */
    private void play(Ansible ansible, String playbook, Path vars, Events events, Path fleet, AtomicReference<Ansible.Running> playing) {
        Ansible.Running r = ansible.start(playbook, options.inventory().toAbsolutePath(), vars, fleet.resolve("events.jsonl"), fleet.resolve("ansible.log"));
        playing.set(r);
        Map<String, String> phase = new LinkedHashMap<>();
        try {
            boolean exited;
            do {
                exited = r.waitFor(250);
                for (Events.Event e : events.poll()) report(e, phase);
            } while (!exited);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.interrupt();
        } finally {
            playing.set(null);
        }
    }

    private void report(Events.Event e, Map<String, String> phase) {
        if (e.fails()) {
            say(e.host() + ": " + e.kind() + " in " + (e.phase().isEmpty() ? "'" + e.task() + "'" : e.phase()) + ": " + firstLine(e.reason()));
        } else if (!e.ends() && !e.phase().isEmpty() && !e.phase().equals(phase.get(e.host()))) {
            phase.put(e.host(), e.phase());
            say(e.host() + ": " + e.phase());
        } else if (e.ends() && e.task().endsWith("fetch: remove the packed copy")) {
            say(e.host() + ": done");
        }
    }

    private static boolean finished(List<Events.Event> events) {
        return events.stream().anyMatch(e -> e.ends() && e.task().endsWith("fetch: remove the packed copy"));
    }

    /** A host's outcome, its results unpacked from OUT/fleet/HOST.tar.gz into OUT/HOST/. */
    private HostOutcome outcome(String host, List<Events.Event> events, Path fleet, Path out, boolean interrupted) {
        Path tarball = fleet.resolve(host + ".tar.gz");
        Optional<Path> results = Optional.empty();
        boolean complete = false;
        OptionalDouble wall = OptionalDouble.empty();
        if (Files.isRegularFile(tarball)) {
            Path dir = out.resolve(host);
            unpack(tarball, dir);
            results = Optional.of(dir);
            if (Files.isRegularFile(dir.resolve(Manifest.FILE))) {
                try {
                    Manifest m = Manifest.read(dir);
                    complete = m.complete();
                    if (m.run().has("wall_seconds")) wall = OptionalDouble.of(m.run().path("wall_seconds").asDouble());
                } catch (ReportException e) {
                    say(host + ": its manifest cannot be read: " + e.getMessage());
                }
            }
        }
        if (results.isPresent() && hasRows(results.get())) {
            try {
                HtmlReport.render(results.get()); // the hosts run with --no-report: the controller has the fonts and the time
            } catch (ReportException e) {
                say(host + ": no report.html: " + e.getMessage());
            }
        }
        HostOutcome o = HostOutcome.of(host, events, interrupted, wall, results, complete);
        if (o.status() == HostOutcome.Status.OK && !complete) {
            o = new HostOutcome(host, HostOutcome.Status.FAILED, results.isEmpty() ? "its results did not come back" : "its results came back incomplete",
                    o.phaseSeconds(), o.totalSeconds(), wall, results, false);
        }
        return o;
    }

    /** Unpacks RUN_ID/... into dir/..., refusing any entry that would land outside it. */
    private static void unpack(Path tarball, Path dir) {
        try (InputStream in = Files.newInputStream(tarball); TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            Files.createDirectories(dir);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) continue; // the run's own directory
                Path to = dir.resolve(name.substring(slash + 1)).normalize();
                if (!to.startsWith(dir)) throw new FleetException(tarball + ": entry " + name + " points outside the results directory");
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else if (e.isFile()) {
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to);
                }
            }
            Files.delete(tarball);
        } catch (IOException e) {
            throw new FleetException("cannot unpack " + tarball + ": " + e.getMessage(), e);
        }
    }

    /** compare of every host that brought back rows, the baseline first in the inventory's order otherwise. */
    private Optional<Path> compare(List<HostOutcome> outcomes, String baseline, Path out) {
        List<HostOutcome> usable = outcomes.stream().filter(o -> o.results().isPresent() && hasRows(o.results().get())).toList();
        if (usable.size() < 2) {
            say("fleet: no comparison: " + usable.size() + " host(s) brought results back, a comparison needs two");
            return Optional.empty();
        }
        List<String> names = usable.stream().map(HostOutcome::host).toList();
        int base = names.indexOf(baseline);
        if (base < 0) {
            say("fleet: the baseline " + baseline + " brought no results back: comparing against " + names.get(0));
            base = 0;
        }
        try {
            return Optional.of(Compare.write(usable.stream().map(o -> o.results().get()).toList(), names, base, out.resolve("comparison")));
        } catch (ReportException e) {
            say("fleet: no comparison: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean hasRows(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return Files.isRegularFile(dir.resolve(Manifest.FILE)) && s.anyMatch(p -> p.getFileName().toString().endsWith(".csv"));
        } catch (IOException e) {
            return false;
        }
    }

    private void say(String line) {
        progress.printf("[%4ds] %s%n", Math.round(secondsSince(begun)), line);
        progress.flush();
    }

    private static double secondsSince(long nanos) {
        return Math.round((System.nanoTime() - nanos) / 1e8) / 10.0;
    }

    private static String firstLine(String s) {
        return s.strip().split("\n")[0];
    }

    private String gitCommit() {
        String fromScript = System.getenv("ISOBENCH_GIT_COMMIT");
        return fromScript != null && !fromScript.isEmpty() ? fromScript : "unknown";
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
