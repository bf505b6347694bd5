package dev.isobench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one file that opens from disk with no network. Headline table first, then the host
 * manifest, the warnings and gaps, and one section per suite with its charts (inlined PNG) and the rows
 * behind them in a sortable table.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";

    private HtmlReport() {}

    /** Renders charts and report.html into the directory; returns the report's path. */
    public static Path render(Path dir) {
        ResultsDir results = ResultsDir.load(dir);
        List<Charts.Rendered> charts = Charts.render(results);
        Html h = new Html();
        h.open("Isolation costs on " + results.manifest().host().path("hostname").asText("?"));
        h.raw("<p class=sub>").text(results.manifest().host().path("kernel").asText("") + " · " + results.manifest().host().path("cpu_model").asText("")
                + " · profile " + results.manifest().run().path("profile").path("name").asText("?") + " · started "
                + results.manifest().run().path("started").asText("?") + took(results.manifest().run())).raw("</p>\n");
        h.raw("<h2>Summary</h2>\n<table class=summary><tr><th>suite</th><th>what</th><th>value</th><th>compared</th></tr>\n");
        for (Headlines.Headline x : Headlines.of(results)) h.row(x.suite(), x.what(), x.value(), x.comparison());
        h.raw("</table>\n");
        spectrum(h, results, charts);
        precision(h, results.manifest().run().path("precision"), results.manifest().run().path("profile").path("precision").asDouble(0));
        List<String> notes = new ArrayList<>(results.gaps());
        results.manifest().root().path("warnings").forEach(w -> notes.add(w.asText()));
        if (!notes.isEmpty()) {
            h.raw("<h2>Warnings and gaps</h2>\n<ul class=warn>");
            notes.forEach(n -> h.raw("<li>").text(n).raw("</li>"));
            h.raw("</ul>\n");
        }
        h.raw("<h2>Host</h2>\n<table>");
        flatten(h, "", results.manifest().host());
        h.raw("</table>\n<h2>Targets</h2>\n<table>");
        flatten(h, "", results.manifest().targets());
        h.raw("</table>\n");
        List<Explanations.Suite> explained = Explanations.load(results.path());
        int[] flameGraphs = {0};
        for (Map.Entry<String, List<ResultRow>> suite : results.suites().entrySet()) {
            h.raw("<h2 id=\"" + suite.getKey() + "\">").text("Suite: " + suite.getKey()).raw("</h2>\n");
            if (suite.getKey().equals(AppFindings.SUITE)) AppFindings.html(h, suite.getValue());
            for (Charts.Rendered c : charts) {
                if (c.suite().equals(suite.getKey())) figure(h, results, c);
            }
            explained.stream().filter(e -> e.name().equals(suite.getKey())).forEach(e -> ExplainSection.html(h, e, flameGraphs));
            h.raw("<details><summary>").text(suite.getValue().size() + " rows").raw("</summary>\n<table class=sortable><thead><tr>");
            for (String col : ResultRow.HEADER) h.raw("<th>").text(col).raw("</th>");
            h.raw("</tr></thead><tbody>\n");
            for (ResultRow r : suite.getValue()) {
                h.row(r.suite(), r.benchmark(), r.target(), r.variant(), r.param(), r.metric(), r.unit(), ResultsCsv.number(r.value()),
                        ResultsCsv.number(r.ciLow()), ResultsCsv.number(r.ciHigh()), Long.toString(r.samples()));
            }
            h.raw("</tbody></table></details>\n");
        }
        if (flameGraphs[0] > 0) ExplainSection.scripts(h);
        h.close();
        Path file = results.path().resolve(FILE);
        try {
            Files.writeString(file, h.toString());
        } catch (IOException e) {
            throw new ReportException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * The chart a user reads first: each target from the bare host to a VM, start-to-exit and a system call, with
     * intervals, ratios to the host, and the version and platform that ran.
     */
    private static void spectrum(Html h, ResultsDir results, List<Charts.Rendered> charts) {
        List<Charts.Rendered> mine = charts.stream().filter(c -> c.suite().equals("spectrum")).toList();
        if (mine.isEmpty()) return;
        h.raw("<h2 id=spectrum>The spectrum</h2>\n");
        for (Charts.Rendered c : mine) figure(h, results, c);
        h.raw("<table class=sortable><thead><tr><th>tier</th><th>target</th><th>measure</th><th>median [95% CI]</th>"
                + "<th>vs host [95% CI]</th><th>version</th></tr></thead><tbody>\n");
        Map<String, List<ResultRow>> suites = results.suites();
        for (String[] m : new String[][] {{"startup", "start-to-exit"}, {"syscall", "getpid"}}) {
            if (!suites.containsKey(m[0])) continue;
            for (Spectrum.Entry e : Spectrum.of(suites.get(m[0]), m[1])) {
                h.row(e.tier(), e.label(), m[1], interval(e.median()) + " " + e.median().unit(),
                        e.ratio().map(r -> interval(r) + "x").orElse(""), results.manifest().targets().path(e.median().target()).path("version").asText(""));
            }
        }
        h.raw("</tbody></table>\n");
    }

    /**
     * How precisely each headline is known: its samples, the half-width of its 95% interval, and whether that met the
     * profile's target within the budget (runs from before budgets have no such list: no section).
     */
    private static void precision(Html h, JsonNode list, double target) {
        if (!list.isArray() || list.isEmpty()) return;
        long missed = 0;
        for (JsonNode p : list) if (!p.path("met").asBoolean()) missed++;
        h.raw("<h2 id=precision>Precision</h2>\n<p class=sub>").text(String.format(Locale.ROOT,
                "The headlines sample until their 95%% interval is within +-%.1f%% of their value or their share of the budget is spent: %d of %d met it.",
                target * 100, list.size() - missed, list.size())).raw("</p>\n");
        h.raw("<table class=sortable><thead><tr><th>row</th><th>samples</th><th>+- (95%)</th><th>met</th></tr></thead><tbody>\n");
        for (JsonNode p : list) {
            h.row(p.path("row").asText(), p.path("samples").asText(),
                    p.has("half_width") ? String.format(Locale.ROOT, "%.2f%%", p.path("half_width").asDouble() * 100) : "no interval",
                    p.path("met").asBoolean() ? "yes" : "no");
        }
        h.raw("</tbody></table>\n");
    }

    private static String interval(ResultRow r) {
        return ResultsCsv.number(r.value()) + (r.hasCi() ? " [" + ResultsCsv.number(r.ciLow()) + ", " + ResultsCsv.number(r.ciHigh()) + "]" : "");
    }

    private static void figure(Html h, ResultsDir results, Charts.Rendered c) {
        h.raw("<figure><img alt=\"").text(c.title()).raw("\" src=\"data:image/png;base64,"
                + png(results.path(), c.stem()) + "\"><figcaption><a href=\"charts/" + c.stem() + ".svg\">SVG</a></figcaption></figure>\n");
    }

    /** The run's suite time against its profile's budget, for runs whose manifest has them. */
    private static String took(JsonNode run) {
        if (!run.has("wall_seconds")) return "";
        return " · took " + Math.round(run.path("wall_seconds").asDouble()) + " s of a " + run.path("budget_seconds").asLong() + " s budget";
    }

    private static void flatten(Html h, String prefix, JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) flatten(h, key, e.getValue());
            else h.row(key, e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
    }

    private static String png(Path dir, String stem) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("charts").resolve(stem + ".png")));
        } catch (IOException e) {
            throw new ReportException("chart " + stem + " is missing: " + e.getMessage(), e);
        }
    }
}
