package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final List<String> CHARTS = List.of("spectrum-start-to-exit", "spectrum-getpid", "syscall-latency", "syscall-ratio", "syscall-jmh", "startup-start-to-exit", "startup-phases",
            "startup-percentiles", "startup-storm", "rootfs-provision", "rootfs-bytes", "rootfs-copy-up", "rootfs-lookup", "rootfs-read",
            "cgroup-quota", "cgroup-quota-error", "cgroup-timeseries", "cgroup-shares", "cgroup-memory");

    @TempDir
    Path tmp;

    @Test
    void aRealRunRendersEveryChartAndOneSelfContainedPage() throws Exception {
        Path dir = Fixtures.copy("run-a", tmp);
        Path html = HtmlReport.render(dir);
        for (String c : CHARTS) {
            assertTrue(Files.size(dir.resolve("charts/" + c + ".png")) > 1000, c + ".png");
            assertTrue(Files.readString(dir.resolve("charts/" + c + ".svg")).contains("<svg"), c + ".svg");
        }
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.trim().endsWith("</html>"));
        assertEquals(CHARTS.size(), count(page, "<img "), "one inlined image per chart");
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(page).find(), "the page must not need the network");
        assertTrue(page.contains("<h2>Summary</h2>"));
        assertTrue(page.contains("engine create-start-exit-delete of /probe true"));
        assertTrue(page.indexOf("<h2 id=spectrum>The spectrum</h2>") < page.indexOf("<h2>Host</h2>"), "the spectrum comes first, after the summary");
    }

    @Test
    void aRunWithTheNetworkSuiteAndAnEmulatedVmShowsBoth() throws Exception {
        Path dir = Fixtures.copy("run-c", tmp);
        Path html = HtmlReport.render(dir);
        for (String c : List.of("network-latency", "network-throughput")) {
            assertTrue(Files.size(dir.resolve("charts/" + c + ".png")) > 1000, c + ".png");
        }
        String page = Files.readString(html);
        java.util.Map<String, List<String>> series = new java.util.HashMap<>();
        Charts.render(ResultsDir.load(dir)).forEach(c -> series.put(c.stem(), c.series()));
        assertEquals(List.of("vm/emulated"), series.get("startup-vm-boot"), "a VM's boot in a chart of its own");
        assertFalse(series.get("startup-phases").stream().anyMatch(p -> p.contains("guest_boot")), "not among the engine's phases: " + series.get("startup-phases"));
        assertTrue(series.get("syscall-ratio-sandboxes").contains("vm/emulated"), "a user-space kernel's and a VM's ratios apart");
        assertFalse(series.get("syscall-ratio").contains("vm/emulated"), "the containers' ratios on their own scale: " + series.get("syscall-ratio"));
        assertTrue(series.get("startup-start-to-exit").stream().allMatch(Spectrum.TIERS::contains), "one legend entry per tier: " + series.get("startup-start-to-exit"));
        assertTrue(page.contains("path=published") && page.contains("path=container-to-container"), "the network table lists every path");
        assertTrue(page.contains("vm</td><td>emulated"), "the VM's rows say they come from an emulator");
    }

    /** A real app-only quick run (dev-c, 2026-12-06): a chart per workload, the what-costs lines, a table per workload. */
    @Test
    void anAppRunShowsWhatCostsAndAChartPerWorkload() throws Exception {
        Path dir = Fixtures.copy("run-d", tmp);
        String page = Files.readString(HtmlReport.render(dir));
        for (String w : List.of("redis-get", "redis-set", "postgres-select", "nginx-1k", "fio-randread-4k", "cpu")) {
            assertTrue(Files.size(dir.resolve("charts/app-" + w + ".png")) > 1000, w + "'s chart");
            assertTrue(page.contains("<h3>" + w + "</h3>"), w + "'s table");
        }
        assertTrue(page.contains("<h3>What costs</h3>"), "the what-costs lines");
        assertTrue(page.contains("engine: published port vs the host") && page.contains("data in the container") , "a knob against its base, in words");
        assertTrue(page.contains("runsc/ptrace vs the host"), "a target against the host");
        assertTrue(page.contains("redis-get (16 clients): engine vs the host"), "the summary names Redis in the engine");
    }

    /** A real quick run with --explain (dev-c, 2026-12-07; fixture run-e, its profiles trimmed as ExplanationsTest says). */
    @Test
    void aRunWithExplainShowsAParagraphATableAndAFlameGraphPerComparison() throws Exception {
        Path dir = Fixtures.copy("run-e", tmp);
        String page = Files.readString(HtmlReport.render(dir));
        int comparisons = Explanations.load(dir).stream().mapToInt(s -> s.comparisons().size()).sum();
        assertEquals(comparisons, count(page, "<div class=flame "), "a flame graph per comparison");
        assertEquals(comparisons, count(page, "<p class=explain>"), "a paragraph per comparison");
        assertTrue(page.contains("<h4>floor vs host</h4>") && page.contains("<h4>engine vs floor</h4>"));
        assertTrue(page.contains("<th>extra CPU per container</th>"), "the rows' table");
        String engine = Headlines.of(ResultsDir.load(dir)).stream().filter(x -> x.what().startsWith("engine create-start")).findFirst().orElseThrow().comparison();
        assertTrue(engine.contains("of the floor") && !engine.contains("fastest peer (floor"), "the floor is named as the floor, not a peer: " + engine);
        assertTrue(page.indexOf("id=\"explain-startup\"") > page.indexOf("id=\"startup\""), "under its suite");
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(page).find(), "d3 and d3-flame-graph inlined: no network");
        Path plain = Fixtures.copy("run-a", tmp.resolve("plain"));
        assertFalse(Files.readString(HtmlReport.render(plain)).contains("flamegraph"), "a run without --explain carries no script for it");
    }

    @Test
    void notAResultsDirectoryIsAClearError() {
        ReportException e = assertThrows(ReportException.class, () -> HtmlReport.render(tmp));
        assertTrue(e.getMessage().contains("is not a results directory"), e.getMessage());
    }

    @Test
    void gapsAreStatedAndWhatRemainsIsRendered() throws Exception {
        Path dir = Fixtures.copy("run-a", tmp);
        Files.writeString(dir.resolve("cgroup.csv"), Files.readString(dir.resolve("cgroup.csv")).substring(0, 200));
        Files.writeString(dir.resolve("empty.csv"), String.join(",", ResultRow.HEADER) + "\n");
        String manifest = Files.readString(dir.resolve("manifest.json")).replace("\"format\" : 1", "\"format\" : 99");
        Files.writeString(dir.resolve("manifest.json"), manifest);
        String page = Files.readString(HtmlReport.render(dir));
        assertTrue(page.contains("suite empty has no rows"), "empty suite stated");
        assertTrue(page.contains("cgroup.csv"), "truncated CSV stated");
        assertTrue(page.contains("manifest format 99 differs"), "other version stated");
        assertTrue(page.contains("Suite: syscall"), "the rest still renders");
    }

    @Test
    void theRunsTimeAgainstItsBudgetIsShownWhereTheManifestHasIt() throws Exception {
        Path dir = Fixtures.copy("run-a", tmp);
        assertFalse(Files.readString(HtmlReport.render(dir)).contains(" took "), "an older manifest has no time: nothing made up");
        String manifest = Files.readString(dir.resolve("manifest.json")).replaceFirst("\"run\" : \\{",
                "\"run\" : { \"wall_seconds\" : 233.4, \"budget_seconds\" : 300,");
        Files.writeString(dir.resolve("manifest.json"), manifest);
        assertTrue(Files.readString(HtmlReport.render(dir)).contains("took 233 s of a 300 s budget"));
    }

    @Test
    void eachHeadlinesPrecisionIsShownWithThoseThatMissedTheTarget() throws Exception {
        Path dir = Fixtures.copy("run-a", tmp);
        assertFalse(Files.readString(HtmlReport.render(dir)).contains("id=precision"), "an older manifest has no precision: no section");
        String manifest = Files.readString(dir.resolve("manifest.json")).replaceFirst("\"run\" : \\{",
                "\"run\" : { \"precision\" : [ {\"row\": \"syscall getpid runc iters=1000 ratio_vs_host\", \"samples\": 120,"
                + " \"half_width\": 0.0123, \"target\": 0.02, \"met\": true}, {\"row\": \"startup start-to-exit vm/emulated ratio_vs_host\","
                + " \"samples\": 3, \"target\": 0.02, \"met\": false} ],");
        Files.writeString(dir.resolve("manifest.json"), manifest);
        String page = Files.readString(HtmlReport.render(dir));
        assertTrue(page.contains("1 of 2 met it"), "how many met the target");
        assertTrue(page.contains("<td>syscall getpid runc iters=1000 ratio_vs_host</td><td>120</td><td>1.23%</td><td>yes</td>"), "a row that met it");
        assertTrue(page.contains("<td>3</td><td>no interval</td><td>no</td>"), "a row without an interval missed it");
    }

    /** Opens the report in a real headless Chromium: no script errors, every image displayed; keeps a screenshot. */
    @Test
    @Tag("integration")
    void theReportLoadsInARealBrowserWithEveryImageShown() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "needs Debian's chromium (.ci/run installs it)");
        Path dir = Fixtures.copy("run-a", tmp);
        Path html = HtmlReport.render(dir);
        List<String> flags = chromiumFlags(tmp);
        Path log = tmp.resolve("chromium.log");
        String dom = browser(chromium, flags, List.of("--dump-dom", html.toUri().toString()), log);
        Matcher images = Pattern.compile("data-images=\"(\\d+)/(\\d+)\"").matcher(dom);
        assertTrue(images.find(), "the page's load handler ran");
        assertEquals(images.group(2), images.group(1), "images displayed / images");
        assertEquals(Integer.toString(CHARTS.size()), images.group(2));
        Matcher errors = Pattern.compile("data-errors=\"([^\"]*)\"").matcher(dom);
        assertFalse(errors.find(), () -> "script errors: " + errors.group(1));
        assertFalse(Files.readString(log).contains("Uncaught"), "console errors in " + log);
        Path shot = Path.of("target/report-screenshot.png").toAbsolutePath();
        browser(chromium, flags, List.of("--window-size=1280,2400", "--screenshot=" + shot, html.toUri().toString()), log);
        assertTrue(Files.size(shot) > 10_000, "screenshot saved as a test artifact: " + shot);
    }

    /** The flame graphs drawn in a real headless Chromium, from disk, without script errors; keeps a screenshot. */
    @Test
    @Tag("integration")
    void theFlameGraphsDrawInARealBrowser() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "needs Debian's chromium (.ci/run installs it)");
        Path dir = Fixtures.copy("run-e", tmp);
        Path html = HtmlReport.render(dir);
        int comparisons = Explanations.load(dir).stream().mapToInt(s -> s.comparisons().size()).sum();
        List<String> flags = chromiumFlags(tmp);
        Path log = tmp.resolve("chromium.log");
        String dom = browser(chromium, flags, List.of("--dump-dom", html.toUri().toString()), log);
        Matcher flames = Pattern.compile("data-flames=\"(\\d+)\"").matcher(dom);
        assertTrue(flames.find(), "the flame graphs' set-up ran");
        assertEquals(Integer.toString(comparisons), flames.group(1), "flame graphs drawn");
        Matcher errors = Pattern.compile("data-errors=\"([^\"]*)\"").matcher(dom);
        assertFalse(errors.find(), () -> "script errors: " + errors.group(1));
        Path shot = Path.of("target/report-explain-screenshot.png").toAbsolutePath();
        browser(chromium, flags, List.of("--window-size=1280,4000", "--screenshot=" + shot, html.toUri().toString()), log);
        assertTrue(Files.size(shot) > 10_000, "screenshot saved as a test artifact: " + shot);
    }

    /** Headless Chromium as the machine's notes say it runs here: no network of its own, a profile of its own. */
    private static List<String> chromiumFlags(Path tmp) {
        return List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + tmp.resolve("profile"),
                "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0");
    }

    private static String browser(Path chromium, List<String> flags, List<String> args, Path log) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(chromium.toString()));
        cmd.addAll(flags);
        cmd.addAll(args);
        Path out = log.resolveSibling("dom.html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return Files.readString(out);
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
