package dev.isobench.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Lines up the same (suite, benchmark, target, variant, param, metric) across runs from several hosts or
 * engines. Each value gets its ratio to the baseline run. Where both runs kept the row's raw samples
 * ({@link Samples}), its median is tested on them ({@link SampleTest}: Mann-Whitney with Holm's correction,
 * Cliff's delta, a bootstrap interval of the ratio); otherwise, for results from before samples were kept, the
 * ratio's interval comes from the endpoints of the two 95% intervals and a difference is called significant when
 * they do not overlap. Rows missing in a run are listed, not dropped.
 */
public final class Compare {
    public static final String TEST = "medians with raw samples in both runs: Mann-Whitney U (two-sided), Holm-corrected across the rows"
            + " of each run, significant when p < 0.05 and the bootstrap 95% interval of the ratio of medians excludes 1, Cliff's delta as"
            + " the effect size; other rows: significant when the two 95% intervals do not overlap (ratio interval from their endpoints)";

    /** One aligned key: its value in each run (null where missing) and the comparisons to the baseline. */
    public record Line(String key, String unit, List<ResultRow> perRun, List<double[]> ratios, List<Boolean> significant, List<SampleTest> tests) {
        /**
         * Run i's verdict against the baseline, the one wording that compare, the forest plot, history and a fleet
         * share: the sample test's where it ran, else the intervals' (apart: slower or faster; overlapping: no
         * difference), or "undetermined: ..." with the reason where neither can judge; "" where the row is missing.
         */
        public String verdict(int i) {
            SampleTest t = tests.get(i);
            if (t != null) return t.verdict(unit);
            double[] r = ratios.get(i);
            if (r == null) return "";
            Boolean sig = significant.get(i);
            if (sig == null) return "undetermined: no 95% interval on a side";
            return sig ? SampleTest.direction(unit, r[0] > 1) : "no difference";
        }
    }

    private Compare() {}

    public static List<Line> lines(List<ResultsDir> runs, int baseline) {
        List<Map<String, List<double[]>>> samples = new ArrayList<>();
        for (ResultsDir r : runs) samples.add(Samples.read(r.path()));
        Map<String, ResultRow[]> byKey = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            for (ResultRow r : runs.get(i).allRows()) {
                if (r.metric().startsWith("ratio_vs_") || r.metric().startsWith("precision_") || r.benchmark().endsWith("-timeseries")) continue;
                byKey.computeIfAbsent(r.key(), k -> new ResultRow[runs.size()])[i] = r;
            }
        }
        List<Line> lines = new ArrayList<>();
        byKey.forEach((key, rows) -> {
            ResultRow base = rows[baseline];
            List<double[]> ratios = new ArrayList<>();
            List<Boolean> sig = new ArrayList<>();
            List<SampleTest> tests = new ArrayList<>();
            String unit = "";
            for (int i = 0; i < rows.length; i++) {
                ResultRow r = rows[i];
                if (r != null) unit = r.unit();
                tests.add(null);
                if (r == null || base == null || base.value() == 0) {
                    ratios.add(null);
                    sig.add(null);
                    continue;
                }
                List<double[]> a = samples.get(baseline).get(Samples.key(base));
                List<double[]> b = samples.get(i).get(Samples.key(r));
                if (i != baseline && r.metric().equals("median") && a != null && b != null && Stats.pool(a).length > 1 && Stats.pool(b).length > 1) {
                    SampleTest t = SampleTest.ofRuns(a, b);
                    tests.set(i, t);
                    ratios.add(new double[] {t.ratio(), t.ratioLow(), t.ratioHigh()});
                    sig.add(null); // after Holm's correction, below
                    continue;
                }
                double ratio = r.value() / base.value();
                boolean both = r.hasCi() && base.hasCi();
                ratios.add(new double[] {ratio, both ? r.ciLow() / base.ciHigh() : Double.NaN, both ? r.ciHigh() / base.ciLow() : Double.NaN});
                sig.add(both ? (r.ciLow() > base.ciHigh() || r.ciHigh() < base.ciLow()) : null);
            }
            lines.add(new Line(key, unit, Arrays.asList(rows), ratios, sig, tests));
        });
        return holm(lines, runs.size());
    }

    /** Holm's correction over the tested rows of each run, then their significance. */
    private static List<Line> holm(List<Line> lines, int runs) {
        for (int i = 0; i < runs; i++) {
            List<Line> tested = new ArrayList<>();
            for (Line l : lines) if (l.tests().get(i) != null) tested.add(l);
            double[] p = new double[tested.size()];
            for (int k = 0; k < tested.size(); k++) p[k] = tested.get(k).tests().get(i).p();
            double[] adjusted = Stats.holm(p);
            for (int k = 0; k < tested.size(); k++) {
                Line l = tested.get(k);
                SampleTest t = l.tests().get(i).withHolm(adjusted[k]);
                l.tests().set(i, t);
                l.significant().set(i, t.significant());
            }
        }
        return lines;
    }

    /** Writes compare.csv, compare.html and side-by-side charts into out; returns the HTML's path. Runs are named run0, run1, ... */
    public static Path write(List<Path> dirs, int baseline, Path out) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) names.add("run" + i);
        return write(dirs, names, baseline, out);
    }

    /** As {@link #write(List, int, Path)}, with a name for each run (a fleet's host names) in the page and the CSV's comment. */
    public static Path write(List<Path> dirs, List<String> names, int baseline, Path out) {
        if (dirs.size() < 2) throw new ReportException("compare needs at least two results directories");
        if (names.size() != dirs.size()) throw new IllegalArgumentException("one name per results directory");
        List<ResultsDir> runs = new ArrayList<>();
        for (Path d : dirs) runs.add(ResultsDir.load(d));
        List<Line> lines = lines(runs, baseline);
        try {
            Files.createDirectories(out.resolve("charts"));
            csv(runs, names, lines, baseline, out.resolve("compare.csv"));
            return html(runs, names, lines, baseline, out);
        } catch (IOException e) {
            throw new ReportException("cannot write the comparison into " + out + ": " + e.getMessage(), e);
        }
    }

    private static void csv(List<ResultsDir> runs, List<String> names, List<Line> lines, int baseline, Path file) throws IOException {
        List<String> header = new ArrayList<>(List.of("suite", "benchmark", "target", "variant", "param", "metric", "unit"));
        for (int i = 0; i < runs.size(); i++) {
            String n = "run" + i;
            header.addAll(List.of(n + "_value", n + "_ci_low", n + "_ci_high", n + "_ratio", n + "_ratio_low", n + "_ratio_high", n + "_significant",
                    n + "_p", n + "_p_holm", n + "_cliffs_delta", n + "_verdict"));
        }
        try (Writer w = Files.newBufferedWriter(file); CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setCommentMarker('#').build())) {
            p.printComment("runs: " + labels(runs, names) + "; baseline run" + baseline + "; " + TEST);
            p.printRecord(header);
            for (Line l : lines) {
                List<String> rec = new ArrayList<>(List.of(l.key().split("\\|", -1)));
                rec.add(l.unit());
                for (int i = 0; i < runs.size(); i++) {
                    ResultRow r = l.perRun().get(i);
                    double[] ratio = l.ratios().get(i);
                    rec.add(r == null ? "missing" : ResultsCsv.number(r.value()));
                    rec.add(r == null ? "" : ResultsCsv.number(r.ciLow()));
                    rec.add(r == null ? "" : ResultsCsv.number(r.ciHigh()));
                    rec.add(ratio == null ? "" : ResultsCsv.number(ratio[0]));
                    rec.add(ratio == null ? "" : ResultsCsv.number(ratio[1]));
                    rec.add(ratio == null ? "" : ResultsCsv.number(ratio[2]));
                    rec.add(l.significant().get(i) == null ? "" : l.significant().get(i).toString());
                    SampleTest t = l.tests().get(i);
                    rec.add(t == null ? "" : ResultsCsv.number(t.p()));
                    rec.add(t == null ? "" : ResultsCsv.number(t.pHolm()));
                    rec.add(t == null ? "" : ResultsCsv.number(t.delta()));
                    rec.add(i == baseline ? "" : l.verdict(i));
                }
                p.printRecord(rec);
            }
        }
    }

    private static Path html(List<ResultsDir> runs, List<String> names, List<Line> lines, int baseline, Path out) throws IOException {
        Html h = new Html();
        h.open("isobench comparison of " + runs.size() + " runs");
        h.raw("<p class=sub>").text("Baseline: " + names.get(baseline) + ". " + TEST + ".").raw("</p>\n<table><tr><th>run</th><th>host and start</th><th>directory</th></tr>");
        for (int i = 0; i < runs.size(); i++) h.row(names.get(i), runs.get(i).manifest().label(), runs.get(i).path().toString());
        h.raw("</table>\n");
        List<String> missing = new ArrayList<>();
        for (Line l : lines) {
            for (int i = 0; i < runs.size(); i++) if (l.perRun().get(i) == null) missing.add(l.key() + " (missing in " + names.get(i) + ")");
        }
        if (!missing.isEmpty()) {
            h.raw("<h2>Rows missing on one side</h2><ul class=warn>");
            missing.forEach(m -> h.raw("<li>").text(m).raw("</li>"));
            h.raw("</ul>\n");
        }
        Set<String> suites = new LinkedHashSet<>();
        lines.forEach(l -> suites.add(l.key().split("\\|")[0]));
        for (String suite : suites) {
            h.raw("<h2>").text("Suite: " + suite).raw("</h2>\n");
            String stem = chart(runs, names, lines, suite, out);
            if (stem != null) {
                h.raw("<figure><img alt=\"" + suite + "\" src=\"data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve("charts").resolve(stem + ".png"))) + "\"></figure>\n");
            }
            List<Line> ofSuite = lines.stream().filter(l -> l.key().startsWith(suite + "|")).toList();
            List<ForestPlot.Mark> marks = ForestPlot.marks(ofSuite, names, baseline);
            if (!marks.isEmpty()) h.raw("<figure>" + ForestPlot.svg(suite + ": medians against " + names.get(baseline) + ", with 95% intervals", marks) + "</figure>\n");
            h.raw("<table class=sortable><thead><tr><th>key</th><th>unit</th>");
            for (int i = 0; i < runs.size(); i++) {
                String n = Html.escape(names.get(i));
                h.raw("<th>" + n + "</th><th>" + n + " ratio</th><th>signif.</th><th>p (Holm)</th><th>Cliff's &delta;</th><th>verdict</th>");
            }
            h.raw("</tr></thead><tbody>\n");
            for (Line l : lines) {
                if (!l.key().startsWith(suite + "|")) continue;
                List<String> cells = new ArrayList<>(List.of(l.key().substring(suite.length() + 1).replace('|', ' '), l.unit()));
                for (int i = 0; i < runs.size(); i++) {
                    ResultRow r = l.perRun().get(i);
                    double[] ratio = l.ratios().get(i);
                    cells.add(r == null ? "missing" : ResultsCsv.number(r.value()));
                    cells.add(ratio == null ? "" : String.format(Locale.ROOT, "%.3f", ratio[0])
                            + (Double.isNaN(ratio[1]) ? "" : String.format(Locale.ROOT, " [%.3f, %.3f]", ratio[1], ratio[2])));
                    cells.add(l.significant().get(i) == null ? "" : l.significant().get(i) ? "yes" : "no");
                    SampleTest t = l.tests().get(i);
                    cells.add(t == null ? "" : String.format(Locale.ROOT, "%.2g", t.pHolm()));
                    cells.add(t == null ? "" : String.format(Locale.ROOT, "%+.2f", t.delta()));
                    cells.add(i == baseline ? "" : l.verdict(i));
                }
                h.row(cells.toArray(String[]::new));
            }
            h.raw("</tbody></table>\n");
        }
        h.close();
        Path file = out.resolve("compare.html");
        Files.writeString(file, h.toString());
        return file;
    }

    /** Medians of the suite side by side, one bar per run, for up to 24 keys. */
    private static String chart(List<ResultsDir> runs, List<String> names, List<Line> lines, String suite, Path out) throws IOException {
        List<Line> medians = lines.stream().filter(l -> l.key().startsWith(suite + "|") && l.key().endsWith("|median")).limit(24).toList();
        if (medians.isEmpty()) return null;
        CategoryChart c = new CategoryChartBuilder().width(1000).height(500).title(suite + ": medians, run by run")
                .xAxisTitle("benchmark / target").yAxisTitle("ratio to baseline").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisLabelRotation(45);
        List<String> cats = medians.stream().map(l -> {
            String[] k = l.key().split("\\|", -1);
            return k[1] + " " + k[2] + (k[3].isEmpty() ? "" : "/" + k[3]) + (k[4].isEmpty() ? "" : " " + k[4]);
        }).toList();
        for (int i = 0; i < runs.size(); i++) {
            List<Double> y = new ArrayList<>();
            for (Line l : medians) y.add(l.ratios().get(i) == null ? 0.0 : l.ratios().get(i)[0]);
            c.addSeries(names.get(i) + " " + runs.get(i).manifest().label(), cats, y);
        }
        String stem = "compare-" + suite;
        BitmapEncoder.saveBitmap(c, out.resolve("charts").resolve(stem).toString(), BitmapEncoder.BitmapFormat.PNG);
        return stem;
    }

    private static String labels(List<ResultsDir> runs, List<String> names) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) l.add("run" + i + "=" + (names.get(i).equals("run" + i) ? "" : names.get(i) + " ") + runs.get(i).path());
        return String.join(", ", l);
    }
}
