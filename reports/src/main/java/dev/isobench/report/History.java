package dev.isobench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * Runs of one host over time (before and after a kernel update, say): one line chart per headline metric with
 * each run's median and its 95% interval, and each run that differs from the one before it flagged by the same
 * test {@code compare} makes. Runs are ordered by their start; {@code history.html} opens from disk.
 */
public final class History {
    /** Always charted where present: the startup figures users follow. */
    static final List<String> HEADLINES = List.of("startup|start-to-exit|host|||median", "startup|start-to-exit|engine|||median",
            "startup|start-to-exit|unshare|||median", "startup|start-to-exit|runc|||median", "startup|start-to-exit|engine-cli|resident||median");
    /** And, per suite, the first medians all runs share. */
    static final int PER_SUITE = 3;

    /** One charted metric: its key, unit, each run's row (null where missing), and per run whether it differs from the previous. */
    public record Metric(String key, String unit, List<ResultRow> perRun, List<String> change) {}

    private History() {}

    /** The runs by their start (a label is "HOST START"; a stable sort keeps the given order for equal starts). */
    public static List<ResultsDir> ordered(List<Path> dirs) {
        List<ResultsDir> runs = new ArrayList<>();
        for (Path d : dirs) runs.add(ResultsDir.load(d));
        runs.sort(Comparator.comparing(r -> r.manifest().label().substring(r.manifest().label().indexOf(' ') + 1)));
        return runs;
    }

    public static List<Metric> metrics(List<ResultsDir> runs) {
        Set<String> keys = new LinkedHashSet<>();
        List<ResultRow> first = runs.get(0).allRows();
        for (String h : HEADLINES) if (first.stream().anyMatch(r -> r.key().equals(h))) keys.add(h);
        Set<String> suites = new LinkedHashSet<>();
        first.forEach(r -> suites.add(r.suite()));
        for (String suite : suites) {
            int added = 0;
            for (ResultRow r : first) {
                if (added == PER_SUITE) break;
                if (!r.suite().equals(suite) || !r.metric().equals("median") || keys.contains(r.key())) continue;
                if (runs.stream().allMatch(run -> run.allRows().stream().anyMatch(x -> x.key().equals(r.key())))) {
                    keys.add(r.key());
                    added++;
                }
            }
        }
        List<Metric> out = new ArrayList<>();
        List<List<Compare.Line>> steps = new ArrayList<>();
        for (int i = 1; i < runs.size(); i++) steps.add(Compare.lines(List.of(runs.get(i - 1), runs.get(i)), 0));
        for (String key : keys) {
            List<ResultRow> perRun = new ArrayList<>();
            String unit = "";
            for (ResultsDir run : runs) {
                ResultRow row = run.allRows().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
                if (row != null) unit = row.unit();
                perRun.add(row);
            }
            List<String> change = new ArrayList<>(List.of(""));
            for (List<Compare.Line> step : steps) change.add(change(step, key, unit));
            out.add(new Metric(key, unit, perRun, change));
        }
        return out;
    }

    /** How a run differs from the one before it: the sample test's verdict with p, or the interval test's, or "". */
    private static String change(List<Compare.Line> step, String key, String unit) {
        Compare.Line l = step.stream().filter(x -> x.key().equals(key)).findFirst().orElse(null);
        if (l == null) return "";
        SampleTest t = l.tests().get(1);
        if (l.verdict(1).startsWith("undetermined")) return l.verdict(1);
        if (l.significant().get(1) == null || !l.significant().get(1)) return "";
        double ratio = l.ratios().get(1)[0];
        if (t != null) return String.format(Locale.ROOT, "%s (x%.3f, p %.2g, delta %+.2f)", t.verdict(unit), ratio, t.pHolm(), t.delta());
        return String.format(Locale.ROOT, "%s (x%.3f, intervals apart)", SampleTest.direction(unit, ratio > 1), ratio);
    }

    /** Writes history.html and its charts (PNG) into out; returns the HTML's path. */
    public static Path write(List<Path> dirs, Path out) {
        if (dirs.size() < 2) throw new ReportException("history needs at least two results directories of one host");
        List<ResultsDir> runs = ordered(dirs);
        List<Metric> metrics = metrics(runs);
        try {
            Files.createDirectories(out.resolve("charts"));
            Html h = new Html();
            h.open("isobench history of " + runs.size() + " runs");
            h.raw("<p class=sub>").text("A run is flagged where it differs from the run before it: " + Compare.TEST + ".").raw("</p>\n");
            h.raw("<table><tr><th>run</th><th>host and start</th><th>directory</th></tr>");
            for (int i = 0; i < runs.size(); i++) h.row("run" + i, runs.get(i).manifest().label(), runs.get(i).path().toString());
            h.raw("</table>\n");
            for (int m = 0; m < metrics.size(); m++) {
                Metric metric = metrics.get(m);
                h.raw("<h2>").text(metric.key().replace('|', ' ') + " (" + metric.unit() + ")").raw("</h2>\n");
                Path png = out.resolve("charts").resolve("history-" + m + ".png");
                chart(metric, png);
                h.raw("<figure><img alt=\"" + metric.key() + "\" src=\"data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\"></figure>\n");
                h.raw("<table><tr><th>run</th><th>median</th><th>95% interval</th><th>against the run before</th></tr>");
                for (int i = 0; i < runs.size(); i++) {
                    ResultRow r = metric.perRun().get(i);
                    h.row("run" + i, r == null ? "missing" : ResultsCsv.number(r.value()),
                            r == null || !r.hasCi() ? "" : ResultsCsv.number(r.ciLow()) + " .. " + ResultsCsv.number(r.ciHigh()), metric.change().get(i));
                }
                h.raw("</table>\n");
            }
            h.close();
            Path file = out.resolve("history.html");
            Files.writeString(file, h.toString());
            return file;
        } catch (IOException e) {
            throw new ReportException("cannot write the history into " + out + ": " + e.getMessage(), e);
        }
    }

    private static void chart(Metric metric, Path png) throws IOException {
        XYChart c = new XYChartBuilder().width(800).height(360).title(metric.key().replace('|', ' ')).xAxisTitle("run").yAxisTitle(metric.unit()).build();
        List<Double> x = new ArrayList<>(), y = new ArrayList<>(), err = new ArrayList<>();
        for (int i = 0; i < metric.perRun().size(); i++) {
            ResultRow r = metric.perRun().get(i);
            if (r == null) continue;
            x.add((double) i);
            y.add(r.value());
            err.add(r.hasCi() ? Math.max(r.value() - r.ciLow(), r.ciHigh() - r.value()) : 0.0);
        }
        XYSeries s = c.addSeries("median, 95% interval", x, y, err);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        BitmapEncoder.saveBitmap(c, png.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }
}
