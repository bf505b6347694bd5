package dev.isobench.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.bench.DocumentedFormats;
import dev.isobench.engine.Privileges;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.report.Manifest;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code isobench fleet run} for real, from the built jar, on three hosts that scripts/fleet-sandbox makes on
 * this machine: each a network namespace with its own sshd (openssh-server) on its own address and port, on a
 * bridge in a controller namespace; Ansible (Debian's ansible-core) drives them over ssh as it would remote
 * machines. h3 runs with a known injected cost (the engine's default seccomp filter plus no-op rules, as many as
 * cost about 30% of a getpid on this host, measured here first: a fixed number of rules is +20% where a getpid
 * takes 70 ns and +6% where it takes 1 us), which the comparison must find; h1 and h2 run alike. A fourth host
 * joins only the failing case, as a host without root. Nothing here races the machine: the Ctrl-C case holds the
 * hosts' runs between two suites (run --hold-before) and stops them there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class FleetIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static String tag;
    private static String fourth;
    /** The injection's size for this host, and the effect it was sized to have on h3's engine getpid. */
    private static int noopRules;
    private static double expectedEffect;
    private static double baseGetpid;
    private static final double SIZED_EFFECT = 0.3;

    @BeforeAll
    static void sandbox() throws Exception {
        Privileges.assumeRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "needs openssh-server (scripts/setup --test installs it)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ansible-playbook")), "needs Ansible (scripts/setup --test installs ansible-core)");
        assumeTrue(Files.isRegularFile(REPO.resolve(Bundle.JAR)), "needs the built jar (mvn verify runs this after package)");
        dir = Files.createTempDirectory("isobench-fleet-it");
        run(List.of("scripts/fleet-sandbox", "up", dir.toString(), "4"), 60);
        Matcher m = Pattern.compile("tag=(\\w+)").matcher(Files.readString(dir.resolve("sandbox.env")));
        assertTrue(m.find());
        tag = m.group(1);
        Path inventory = dir.resolve("inventory.ini");
        String text = Files.readString(inventory);
        Matcher h4 = Pattern.compile("(?m)^h4 .*\n").matcher(text);
        assertTrue(h4.find());
        fourth = h4.group(); // h4 is only for the case of a host without root
        sizeTheInjection();
        Files.writeString(inventory, text.replace(fourth, "").replaceFirst("(?m)^(h3 .*)$", "$1 isobench_run_args=\"--engine-seccomp noop:" + noopRules + "\""));
    }

    @AfterAll
    static void teardown() throws Exception {
        if (dir == null) return;
        run(List.of("scripts/fleet-sandbox", "down", dir.toString()), 120);
        assertFalse(netns().contains("isobench-fleet-" + tag), "the sandbox's namespaces are gone: " + netns());
        assertEquals(List.of(), holding(dir), "no process holds a file of the sandbox (a container its killed run left did once)");
        Files.deleteIfExists(dir);
    }

    @Test
    @Order(1)
    void threeHostsInParallelBringBackCompleteResultsAndOneComparisonFindsTheInjectedCost() throws Exception {
        // only here: the other cases need no injected cost
        assumeTrue(expectedEffect >= 0.15, String.format("a filter of %d no-op rules adds only %.0f%% to this host's getpid (%.0f ns): "
                + "too little to find for sure", noopRules, expectedEffect * 100, baseGetpid));
        Path out = dir.resolve("all");
        Result r = fleet(out, List.of(), 600);
        assertEquals(0, r.code, r.output);
        JsonNode summary = JSON.readTree(out.resolve("fleet.json").toFile());
        for (String h : List.of("h1", "h2", "h3")) {
            Path results = out.resolve(h);
            Manifest m = Manifest.read(results);
            assertTrue(m.complete(), h + "'s manifest says its run completed");
            assertEquals("tiny", m.run().path("profile").path("name").asText());
            List<ResultRow> rows = ResultsCsv.read(results.resolve("syscall.csv")).rows();
            assertTrue(rows.stream().anyMatch(x -> x.benchmark().equals("getpid") && x.target().equals("engine")), h + " has its rows");
            assertTrue(Files.size(results.resolve("samples/syscall.csv.gz")) > 100, h + "'s raw samples came back");
            assertTrue(Files.isRegularFile(results.resolve("report.html")), h + "'s report is rendered on the controller");
            DocumentedFormats.assertConforms(results);
            assertTrue(Files.isRegularFile(out.resolve("fleet/" + h + ".log")), h + "'s run log came back");
            JsonNode host = host(summary, h);
            assertEquals("ok", host.path("status").asText(), host.toString());
            for (String phase : List.of("copy", "start", "fetch")) {
                assertTrue(host.path("overhead_seconds").path(phase).asDouble() > 0, h + ": the fleet's own " + phase + " time is reported: " + host);
            }
        }
        assertEquals("default+" + noopRules + "-noop", Manifest.read(out.resolve("h3")).run().path("engine_seccomp").asText(), "the injection was h3's only");
        assertEquals("default", Manifest.read(out.resolve("h2")).run().path("engine_seccomp").asText());
        Files.copy(out.resolve("comparison/compare.csv"), Path.of("target/fleet-compare.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // In parallel the hosts' runs overlap: the fleet's wall time is well under the sum of theirs (each host's time
        // is its own wall time, whatever the machine's speed; one after another they would add up)
        double wall = summary.path("wall_seconds").asDouble(), slowest = summary.path("slowest_host_seconds").asDouble();
        double sum = summary.path("sum_of_hosts_seconds").asDouble();
        assertTrue(wall < 0.6 * sum, "wall " + wall + " s, slowest host " + slowest + " s, all hosts " + sum + " s");

        Path compare = out.resolve("comparison/compare.csv");
        String html = Files.readString(out.resolve("comparison/compare.html"));
        for (String h : List.of("h1", "h2", "h3")) assertTrue(html.contains("<td>" + h + "</td>"), "the comparison lists " + h);
        assertTrue(html.contains("class=forest"), "a forest plot per suite");
        Map<String, CSVRecord> lines = compareLines(compare);
        CSVRecord getpid = lines.get("syscall|getpid|engine||iters=1000|median");
        String found = "h3's injected filter cost (noop:" + noopRules + ", sized to +" + Math.round(expectedEffect * 100) + "% here) is found: " + getpid;
        assertEquals("slower", getpid.get("run2_verdict"), found);
        assertTrue(Double.parseDouble(getpid.get("run2_ratio")) >= 1.10, "an effect of at least 10%: " + found);
        assertTrue(Double.parseDouble(getpid.get("run2_p_holm")) < 0.05 && Double.parseDouble(getpid.get("run2_cliffs_delta")) > 0.5, getpid.toString());
        // h2 runs as h1 does: "no difference" on most rows that can be judged (a 95% interval misses on about one
        // row in twenty)
        long tested = lines.values().stream().filter(l -> !l.get("run1_verdict").isEmpty() && !l.get("run1_verdict").startsWith("undetermined")).count();
        long same = lines.values().stream().filter(l -> l.get("run1_verdict").equals("no difference")).count();
        assertTrue(tested >= 10 && same > 0.75 * tested, "h2 against h1: " + same + " of " + tested + " tested rows no different");
        browserShows(out.resolve("comparison/compare.html"));
    }

    @Test
    @Order(2)
    void oneHostAfterAnotherAnUnreachableHostAFailingRunAndNoRootAreReportedAndTheOtherHostsResultsKept() throws Exception {
        run(List.of("scripts/fleet-sandbox", "stop", dir.toString(), "h2"), 30);
        Path inventory = dir.resolve("inventory.ini");
        String original = Files.readString(inventory);
        Path broken = dir.resolve("broken.ini");
        // h4 logs in as a user of its own, made for this test: an account without root
        String user = "isbfleet" + ProcessHandle.current().pid() % 100000;
        Files.writeString(broken, original.replace("noop:" + noopRules, "noop:99999").replace("[sandbox:vars]", fourth.strip() + " ansible_user=" + user + "\n\n[sandbox:vars]"));
        Path out = dir.resolve("failing");
        Result r;
        // '*': no password and not locked (sshd refuses a locked account); its home under the sandbox, removed with it
        run(List.of("useradd", "--create-home", "--home-dir", dir.resolve("h4-home").toString(), "--shell", "/bin/bash", "--password", "*", user), 30);
        try {
            r = fleet(out, List.of("--inventory", broken.toString(), "--serial"), 400);
        } finally {
            run(List.of("userdel", user), 30);
        }
        assertEquals(3, r.code, "some hosts failed: " + r.output);
        JsonNode summary = JSON.readTree(out.resolve("fleet.json").toFile());
        assertTrue(summary.path("serial").asBoolean());
        List<Events.Event> events = new Events(out.resolve("fleet/events.jsonl")).poll();
        double h1Done = events.stream().filter(e -> e.host().equals("h1")).mapToDouble(Events.Event::time).max().orElseThrow();
        double h3Begun = events.stream().filter(e -> e.host().equals("h3")).mapToDouble(Events.Event::time).min().orElseThrow();
        assertTrue(h3Begun >= h1Done, "--serial: h3 began after h1 was done");
        assertEquals("ok", host(summary, "h1").path("status").asText());
        assertTrue(Manifest.read(out.resolve("h1")).complete(), "h1's results are kept whole");
        JsonNode h2 = host(summary, "h2"), h3 = host(summary, "h3");
        assertEquals("unreachable", h2.path("status").asText(), h2.toString());
        assertTrue(h2.path("reason").asText().contains("Connection refused"), "ssh's reason: " + h2);
        assertEquals("run failed", h3.path("status").asText(), h3.toString());
        assertTrue(h3.path("reason").asText().contains("0 to " + Seccomp.MAX_NOOP_RULES), "isobench's own error: " + h3);
        JsonNode h4 = host(summary, "h4");
        assertEquals("no root", h4.path("status").asText(), h4.toString());
        assertTrue(h4.path("reason").asText().contains("ansible_become"), "what to do: " + h4);
        assertTrue(r.output.contains("unreachable") && r.output.contains("run failed") && r.output.contains("no root"), "the console summary shows all three: " + r.output);
        assertFalse(Files.exists(out.resolve("comparison")), "one host back: nothing to compare");
    }

    @Test
    @Order(3)
    void ctrlCStopsTheRemoteRunsAndKeepsWhatTheyFinished() throws Exception {
        Path out = dir.resolve("stopped");
        Path log = dir.resolve("stopped.log");
        // each host's run holds before its second suite until a file that never comes: the stop finds it there
        List<String> cmd = fleetCommand(out, List.of("--", "--hold-before", "cgroup:" + dir.resolve("never-released")), "syscall,cgroup");
        List<Path> before = remoteRuns();
        Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // once both hosts' runs have finished their first suite (and so hold), Ctrl-C (SIGINT to the fleet command only)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (remoteFiles(before, "syscall.csv") < 2 && System.nanoTime() < deadline) Thread.sleep(200);
            assertTrue(remoteFiles(before, "syscall.csv") >= 2, "the remote runs finished their first suite: " + Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the fleet command stops: " + Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertEquals(130, p.exitValue(), output);
        JsonNode summary = JSON.readTree(out.resolve("fleet.json").toFile());
        assertTrue(summary.path("interrupted").asBoolean());
        for (String h : List.of("h1", "h3")) {
            JsonNode host = host(summary, h);
            assertEquals("interrupted", host.path("status").asText(), host.toString());
            Manifest m = Manifest.read(out.resolve(h));
            assertFalse(m.complete(), h + ": an interrupted run says so");
            assertTrue(m.run().has("interrupted"), h + ": the run itself was stopped (SIGINT), not cut off: " + m.run());
            assertFalse(ResultsCsv.read(out.resolve(h).resolve("syscall.csv")).rows().isEmpty(), h + ": the suite it finished came back whole");
        }
        assertTrue(remoteRunners().isEmpty(), "no isobench run is left on any host: " + remoteRunners());
    }

    /**
     * Sizes h3's injection for this host: getpid in the engine's containers under the default filter and under 150
     * and 1150 no-op rules, in alternating turns, gives the filter's fixed cost (a filter that must run on every
     * call) and its cost per rule; the rules that add SIZED_EFFECT of a getpid follow. The parallel case skips where
     * even the most rules a filter holds cannot add 15%.
     */
    private static void sizeTheInjection() throws Exception {
        List<String> policies = List.of("default", "noop:150", "noop:1150");
        Map<String, List<Double>> medians = new java.util.HashMap<>();
        for (int turn = 0; turn < 3; turn++) {
            for (String policy : policies) medians.computeIfAbsent(policy, x -> new ArrayList<>()).add(getpidNanos(policy));
        }
        double base = median(medians.get("default")), few = median(medians.get("noop:150")), many = median(medians.get("noop:1150"));
        double perRule = Math.max(1e-3, (many - few) / 1000);
        double fixed = Math.max(0, few - base - 150 * perRule);
        noopRules = (int) Math.max(8, Math.min(Seccomp.MAX_NOOP_RULES, Math.ceil((SIZED_EFFECT * base - fixed) / perRule)));
        expectedEffect = (fixed + noopRules * perRule) / base;
        baseGetpid = base;
    }

    /** The median ns of getpid batches in one engine container under this seccomp policy, through the built CLI. */
    private static double getpidNanos(String policy) throws Exception {
        Path log = Files.createTempFile("fleet-it-getpid", ".log");
        ProcessBuilder b = new ProcessBuilder("scripts/isobench", "ctr", "--root", dir.resolve("sizing").toString(), "run", "--rm", "--net", "none",
                "--security-opt", "seccomp=" + policy, "--", "/probe", "bench", "getpid", "20", "20000")
                .directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("ISOBENCH_RESIDENT", "0"); // no engine left running under the sandbox's directory
        Process p = b.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "getpid under " + policy + ": " + Files.readString(log));
        List<Double> ns = Files.readAllLines(log).stream().filter(l -> l.startsWith("ns_per_op ")).map(l -> Double.parseDouble(l.substring(10).trim())).toList();
        Files.delete(log);
        assertTrue(ns.size() >= 10, "the probe's batches under " + policy);
        return median(ns);
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private record Result(int code, String output) {}

    private static Result fleet(Path out, List<String> args, int seconds) throws Exception {
        List<String> cmd = fleetCommand(out, args, "syscall");
        Path log = out.resolveSibling(out.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleet run took over " + seconds + " s: " + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    /** The fleet command as the controller runs it: in the controller's network namespace, from the built jar. */
    private static List<String> fleetCommand(Path out, List<String> args, String suites) {
        List<String> cmd = new ArrayList<>(List.of("scripts/fleet-sandbox", "exec", dir.toString(), "scripts/isobench", "fleet", "run",
                "--profile", "tiny", "--suite", suites, "--targets", "host,engine", "--out", out.toString()));
        if (!args.contains("--inventory")) cmd.addAll(List.of("--inventory", dir.resolve("inventory.ini").toString()));
        cmd.addAll(args);
        return cmd;
    }

    private static JsonNode host(JsonNode summary, String name) {
        for (JsonNode h : summary.path("hosts")) if (h.path("host").asText().equals(name)) return h;
        throw new AssertionError("no " + name + " in " + summary);
    }

    private static Map<String, CSVRecord> compareLines(Path csv) throws IOException {
        Map<String, CSVRecord> lines = new java.util.LinkedHashMap<>();
        try (var reader = Files.newBufferedReader(csv);
             var parser = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            for (CSVRecord r : parser) {
                lines.put(String.join("|", r.get("suite"), r.get("benchmark"), r.get("target"), r.get("variant"), r.get("param"), r.get("metric")), r);
            }
        }
        return lines;
    }

    /** The results directories of h1's and h3's runs so far (the hosts share this filesystem). */
    private static List<Path> remoteRuns() throws IOException {
        List<Path> runs = new ArrayList<>();
        for (String h : List.of("h1", "h3")) { // h2's sshd was stopped by the test before
            Path results = dir.resolve(h).resolve("isobench/results");
            if (!Files.isDirectory(results)) continue;
            try (Stream<Path> s = Files.list(results)) {
                s.forEach(runs::add);
            }
        }
        return runs;
    }

    /** How many runs started after {@code before} have written this file. */
    private static long remoteFiles(List<Path> before, String name) throws IOException {
        return remoteRuns().stream().filter(d -> !before.contains(d) && Files.isRegularFile(d.resolve(name))).count();
    }

    private static List<String> remoteRunners() throws IOException {
        return ProcessInfo.commandLines().values().stream().filter(c -> c.contains(" run --profile") && c.contains(dir.toString())).toList();
    }

    private static void browserShows(Path html) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) return; // the page's content is checked above; the browser only where installed
        Path dom = dir.resolve("compare-dom.html");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + dir.resolve("chromium"), "--virtual-time-budget=10000", "--dump-dom", html.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String text = Files.readString(dom);
        Matcher images = Pattern.compile("data-images=\"(\\d+)/(\\d+)\"").matcher(text);
        assertTrue(images.find(), "the comparison's load handler ran in Chromium");
        assertEquals(images.group(2), images.group(1), "every chart is displayed");
        assertTrue(text.contains("<svg") && text.contains("forest"), "the forest plot is in the page Chromium loaded");
    }

    /** The processes with a working directory or an open file under dir. */
    private static List<String> holding(Path d) {
        List<String> found = new ArrayList<>();
        ProcessInfo.commandLines().forEach((pid, cmdline) -> {
            Path proc = Path.of("/proc", Integer.toString(pid));
            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                Stream.concat(Stream.of(proc.resolve("cwd")), fds).forEach(f -> {
                    try {
                        if (Files.readSymbolicLink(f).startsWith(d)) found.add(pid + " " + cmdline + ": " + f.getFileName());
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                });
            } catch (IOException e) {
                // exited meanwhile
            }
        });
        return found;
    }

    private static String netns() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String list = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return list;
    }

    private static void run(List<String> cmd, int seconds) throws Exception {
        Path log = Files.createTempFile("fleet-it", ".log");
        Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String out = Files.readString(log);
        Files.delete(log);
        assertTrue(done && p.exitValue() == 0, String.join(" ", cmd) + " failed: " + out);
    }
}
