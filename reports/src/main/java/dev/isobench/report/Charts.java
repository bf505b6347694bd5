package dev.isobench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The charts of a results directory, one set per suite, each written as PNG and SVG under charts/. Each
 * has a title, axis titles with units, a legend, and error bars where the rows carry intervals.
 */
public final class Charts {
    private static final int W = 900;
    private static final int H = 480;

    /** One rendered chart: its file stem under charts/, title, suite, and its series in the legend's order. */
    public record Rendered(String suite, String stem, String title, List<String> series) {}

    private final Path dir;
    private final List<Rendered> rendered = new ArrayList<>();

    private Charts(Path dir) {
        this.dir = dir;
    }

    public static List<Rendered> render(ResultsDir results) {
        System.setProperty("java.awt.headless", "true");
        Charts c = new Charts(results.path().resolve("charts"));
        try {
            Files.createDirectories(c.dir);
        } catch (IOException e) {
            throw new ReportException("cannot create " + c.dir + ": " + e.getMessage(), e);
        }
        Map<String, List<ResultRow>> s = results.suites();
        if (s.containsKey("startup")) c.spectrum("spectrum-start-to-exit", "The spectrum: create, start, exit and delete of /probe true",
                "ms (median, log)", Spectrum.of(s.get("startup"), "start-to-exit"));
        if (s.containsKey("syscall")) c.spectrum("spectrum-getpid", "The spectrum: getpid, native probe loop", "ns per call (median, log)",
                Spectrum.of(s.get("syscall"), "getpid"));
        if (s.containsKey("syscall")) c.syscall(s.get("syscall"));
        if (s.containsKey("startup")) c.startup(s.get("startup"));
        if (s.containsKey("rootfs")) c.rootfs(s.get("rootfs"));
        if (s.containsKey("cgroup")) c.cgroup(s.get("cgroup"));
        if (s.containsKey("network")) c.network(s.get("network"));
        if (s.containsKey(AppFindings.SUITE)) c.app(s.get(AppFindings.SUITE));
        return c.rendered;
    }

    static String label(ResultRow r) {
        return r.variant().isEmpty() ? r.target() : r.target() + "/" + r.variant();
    }

    private static List<ResultRow> select(List<ResultRow> rows, String benchmark, String metric) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.metric().equals(metric)).toList();
    }

    // ---- the spectrum

    /**
     * One marker per target in spectrum order, coloured by tier and labelled with its ratio to the host; the
     * intervals are in the report's table (XChart draws no error bars on a log axis).
     */
    private void spectrum(String stem, String title, String yTitle, List<Spectrum.Entry> entries) {
        if (entries.size() < 2) return;
        CategoryChart c = category(title, "bare host -> namespaces -> containers -> user-space kernel -> VM -> container in a VM", yTitle);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        c.getStyler().setLegendVisible(true);
        List<String> x = new ArrayList<>();
        for (Spectrum.Entry e : entries) {
            x.add(e.label() + e.ratio().map(r -> String.format(r.value() >= 100 ? " %.0fx" : " %.3gx", r.value())).orElse(""));
        }
        // one series per tier, so each has its colour; a target outside the tier is a gap in its series
        for (String tier : Spectrum.TIERS) {
            if (entries.stream().noneMatch(e -> e.tier().equals(tier))) continue;
            List<Double> y = new ArrayList<>();
            for (Spectrum.Entry e : entries) y.add(e.tier().equals(tier) ? e.median().value() : null);
            c.addSeries(tier, x, y);
        }
        save("spectrum", stem, c);
    }

    // ---- syscall

    private void syscall(List<ResultRow> rows) {
        List<ResultRow> nativeLoop = rows.stream().filter(r -> !r.variant().startsWith("jmh")).toList();
        List<ResultRow> medians = nativeLoop.stream().filter(r -> r.metric().equals("median")).toList();
        grouped("syscall", "syscall-latency", "System call latency, native probe loop (median)", "operation", "ns per operation (log)",
                medians, ResultRow::benchmark, true);
        // a user-space kernel's or a VM's ratio is hundreds where a container's is about one: each on its own scale
        List<ResultRow> ratios = nativeLoop.stream().filter(r -> r.metric().equals("ratio_vs_host")).toList();
        grouped("syscall", "syscall-ratio", "Overhead vs host, native loop: containers (ratio of medians, 95% CI)",
                "operation", "container / host", ratios.stream().filter(r -> !beyondTheKernel(r)).toList(), ResultRow::benchmark, false);
        grouped("syscall", "syscall-ratio-sandboxes", "Overhead vs host: user-space kernels and VMs (ratio of medians, 95% CI)",
                "operation", "target / host", ratios.stream().filter(Charts::beyondTheKernel).toList(), ResultRow::benchmark, false);
        grouped("syscall", "syscall-jmh", "System call latency from a JVM, JMH + jnr-ffi (mean, 95% CI)", "operation", "ns per operation",
                rows.stream().filter(r -> r.variant().equals("jmh") && r.metric().equals("mean")).toList(), ResultRow::benchmark, false);
    }

    /** A target whose system calls another kernel serves (gVisor's, a guest's): orders of magnitude above a container's. */
    private static boolean beyondTheKernel(ResultRow r) {
        String tier = Spectrum.tier(r);
        return tier.equals(Spectrum.TIERS.get(3)) || tier.equals(Spectrum.TIERS.get(4)) || tier.equals(Spectrum.TIERS.get(5));
    }

    // ---- startup

    private void startup(List<ResultRow> rows) {
        // every target and variant on one log axis (a JVM per container is two orders above the rest, a VM three), a
        // marker per target and a colour per tier: one legend entry per tier, not per target
        List<ResultRow> medians = select(rows, "start-to-exit", "median");
        if (!medians.isEmpty()) {
            CategoryChart c = category("Create, start, exit and delete of /probe true (median)", "target", "ms (log)");
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            List<String> x = medians.stream().map(Charts::label).toList();
            for (String tier : Spectrum.TIERS) {
                if (medians.stream().noneMatch(r -> Spectrum.tier(r).equals(tier))) continue;
                c.addSeries(tier, x, medians.stream().map(r -> Spectrum.tier(r).equals(tier) ? r.value() : null).toList());
            }
            save("startup", "startup-start-to-exit", c);
        }
        // the engine's phases, stacked: a VM's boot is not an engine's phase, and three orders above them (its own chart)
        List<ResultRow> phases = select(rows, "phase", "median");
        List<ResultRow> enginePhases = phases.stream().filter(r -> r.target().equals("engine")).toList();
        if (!enginePhases.isEmpty()) {
            CategoryChart c = category("Engine start-up phases (median)", "engine variant", "ms");
            c.getStyler().setStacked(true);
            Set<String> variants = enginePhases.stream().map(Charts::label).collect(Collectors.toCollection(LinkedHashSet::new));
            // the phases in the order they happen: the variant that has the most of them (its rows are in the engine's
            // order), then any other; stacked in that order, bottom first, as the legend lists them
            Set<String> order = group(enginePhases, Charts::label).values().stream().max(Comparator.comparingInt(List::size)).orElseThrow()
                    .stream().map(ResultRow::param).collect(Collectors.toCollection(LinkedHashSet::new));
            enginePhases.forEach(r -> order.add(r.param()));
            for (String phase : order) {
                List<Double> y = new ArrayList<>();
                for (String v : variants) {
                    y.add(enginePhases.stream().filter(r -> r.param().equals(phase) && label(r).equals(v)).mapToDouble(ResultRow::value).findFirst().orElse(0));
                }
                c.addSeries(phase.replace("phase=", ""), new ArrayList<>(variants), y);
            }
            save("startup", "startup-phases", c);
        }
        grouped("startup", "startup-vm-boot", "VM boot: QEMU's start to the guest's /init, and the guest's own clock (median)", "phase", "ms",
                phases.stream().filter(r -> r.target().equals("vm")).toList(), r -> r.param().replace("phase=", ""), false);
        XYChart pct = xy("Start-up latency percentiles (each target's default)", "percentile", "ms (log)");
        pct.getStyler().setYAxisLogarithmic(true);
        // each target as users run it (the engine's variants and the CLI's JVM-per-call rows are in the table): a
        // legend that fits beside the chart
        Map<String, List<ResultRow>> byTarget = group(rows.stream().filter(r -> r.benchmark().equals("start-to-exit")
                && !(r.target().equals("engine") && !r.variant().isEmpty()) && !(r.target().equals("engine-cli") && !r.variant().equals("resident")))
                .toList(), Charts::label);
        byTarget.forEach((t, rs) -> {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (String[] m : new String[][] {{"median", "50"}, {"p99", "99"}, {"p99.9", "99.9"}}) {
                rs.stream().filter(r -> r.metric().equals(m[0])).findFirst().ifPresent(r -> {
                    x.add(Double.parseDouble(m[1]));
                    y.add(r.value());
                });
            }
            if (!x.isEmpty()) pct.addSeries(t, x, y);
        });
        if (!pct.getSeriesMap().isEmpty()) save("startup", "startup-percentiles", pct);
        series("startup", "startup-storm", "Start storm: containers per second vs containers in flight", "containers in flight",
                "containers/s", select(rows, "storm", "throughput"), Charts::label, "in_flight", false, false);
    }

    // ---- rootfs

    private void rootfs(List<ResultRow> rows) {
        series("rootfs", "rootfs-provision", "Provisioning time vs image size (median)", "image size (bytes, log)", "ms (log)",
                select(rows, "provision", "median"), Charts::label, "size", true, true);
        series("rootfs", "rootfs-bytes", "Bytes written to provision vs image size", "image size (bytes, log)", "bytes written",
                select(rows, "provision", "bytes_written"), Charts::label, "size", true, false);
        series("rootfs", "rootfs-copy-up", "First write to a lower-layer file vs its size (median)", "file size (bytes, log)", "ns (log)",
                select(rows, "first-write", "median"), Charts::label, "size", true, true);
        List<ResultRow> lookups = rows.stream().filter(r -> r.benchmark().startsWith("lookup-") && r.metric().equals("median")).toList();
        series("rootfs", "rootfs-lookup", "stat() latency vs layer depth (median)", "layers", "ns per lookup",
                lookups, ResultRow::benchmark, "layers", false, false);
        // warm and cold side by side where a run has both (older runs have only warm reads)
        List<ResultRow> reads = rows.stream().filter(r -> r.benchmark().startsWith("read-") && r.metric().equals("median")).toList();
        grouped("rootfs", "rootfs-read", "Read throughput of a 64 MiB file, page cache warm and cold (median)", "target", "bytes/s",
                reads, Charts::label, r -> r.benchmark().substring("read-".length()), false);
    }

    // ---- cgroup

    private void cgroup(List<ResultRow> rows) {
        List<ResultRow> achieved = select(rows, "cpu-quota", "achieved_cpus");
        if (!achieved.isEmpty()) {
            XYChart c = xy("CPU achieved vs requested quota", "requested CPUs", "achieved CPUs");
            Map<String, List<ResultRow>> byThreads = group(achieved, r -> "threads=" + Params.parse(r.param()).get("threads"));
            byThreads.forEach((t, rs) -> {
                List<ResultRow> sorted = rs.stream().sorted(Comparator.comparingDouble(r -> Params.number(Params.parse(r.param()).get("cpus")))).toList();
                c.addSeries(t, sorted.stream().map(r -> Params.number(Params.parse(r.param()).get("cpus"))).toList(),
                        sorted.stream().map(ResultRow::value).toList()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            });
            double max = achieved.stream().mapToDouble(r -> Params.number(Params.parse(r.param()).get("cpus"))).max().orElse(1);
            c.addSeries("y = x", List.of(0.0, max), List.of(0.0, max)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            save("cgroup", "cgroup-quota", c);
        }
        grouped("cgroup", "cgroup-quota-error", "Quota error: achieved vs expected CPU", "quota", "error (%)",
                select(rows, "cpu-quota", "error"), ResultRow::param, false);
        List<ResultRow> ts = select(rows, "cpu-quota-timeseries", "cpus");
        if (!ts.isEmpty()) {
            XYChart c = xy("CPU usage under quota, 100 ms windows", "time (ms)", "CPUs");
            group(ts, r -> r.param().replaceAll(",t_ms=.*", "")).forEach((p, rs) ->
                    c.addSeries(p, rs.stream().map(r -> Params.number(Params.parse(r.param()).get("t_ms"))).toList(), rs.stream().map(ResultRow::value).toList()));
            save("cgroup", "cgroup-timeseries", c);
        }
        grouped("cgroup", "cgroup-shares", "CPU shares fairness: achieved ratio", "requested ratio", "achieved ratio",
                select(rows, "cpu-shares", "achieved_ratio"), ResultRow::param, false);
        grouped("cgroup", "cgroup-memory", "Peak memory at the OOM kill vs the limit", "limit", "peak / limit",
                select(rows, "memory-oom", "peak_vs_limit"), ResultRow::param, false);
    }

    // ---- network

    /** One bar per path (the client and server placement), whichever target ran it: the paths are the comparison. */
    private void network(List<ResultRow> rows) {
        grouped("network", "network-latency", "TCP round trip (median, 95% CI)", "path", "us",
                rows.stream().filter(r -> r.benchmark().contains("rtt") && r.metric().equals("median")).toList(), ResultRow::param, r -> "median", false);
        grouped("network", "network-throughput", "TCP bulk throughput (median)", "path", "MB/s",
                rows.stream().filter(r -> r.benchmark().contains("stream") && r.metric().equals("median")).toList(), ResultRow::param, r -> "median", false);
    }

    /**
     * One chart per workload: throughput against the load generator's connections, a line per place, where the run
     * swept them (the shape of Felter's figures); bars per place with their intervals where it took one point.
     */
    private void app(List<ResultRow> rows) {
        Map<String, List<ResultRow>> byBench = group(rows.stream().filter(r -> r.metric().equals("median")).toList(), ResultRow::benchmark);
        byBench.forEach((bench, rs) -> {
            String unit = rs.get(0).unit();
            long points = rs.stream().map(r -> Params.parse(r.param()).getOrDefault("clients", "")).distinct().count();
            String stem = "app-" + bench;
            if (points > 1) {
                series(AppFindings.SUITE, stem, bench + ": throughput against connections (median)", "load generator connections (log)", unit,
                        rs, AppFindings::place, "clients", true, false);
            } else {
                grouped(AppFindings.SUITE, stem, bench + ": throughput (median, 95% CI)", "target", unit, rs, AppFindings::place, r -> "median", false);
            }
        });
    }

    // ---- chart helpers

    /** Bars grouped by category, one series per target, with error bars from the interval where present. */
    private void grouped(String suite, String stem, String title, String xTitle, String yTitle, List<ResultRow> rows,
                         Function<ResultRow, String> category, boolean logY) {
        grouped(suite, stem, title, xTitle, yTitle, rows, category, Charts::label, logY);
    }

    private void grouped(String suite, String stem, String title, String xTitle, String yTitle, List<ResultRow> rows,
                         Function<ResultRow, String> category, Function<ResultRow, String> series,
                         boolean logY) {
        if (rows.isEmpty()) return;
        CategoryChart c = category(title, xTitle, yTitle);
        c.getStyler().setYAxisLogarithmic(logY);
        // XChart's bars start at zero, which a log axis cannot show: log charts use markers instead
        if (logY) c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        Map<String, List<ResultRow>> bySeries = group(rows, series);
        List<String> cats = rows.stream().map(category).distinct()
                // XChart needs the same categories in every series: a category some target lacks stays in the table only
                .filter(cat -> bySeries.values().stream().allMatch(rs -> rs.stream().anyMatch(r -> category.apply(r).equals(cat))))
                .toList();
        if (cats.isEmpty()) return;
        // XChart cannot draw error bars that reach zero on a log axis; log charts show the intervals in their table
        boolean bars = !logY && rows.stream().anyMatch(ResultRow::hasCi);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        bySeries.forEach((s, rs) -> {
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (String cat : cats) {
                rs.stream().filter(r -> category.apply(r).equals(cat)).findFirst().ifPresent(r -> {
                    x.add(cat);
                    y.add(r.value());
                    err.add(r.hasCi() ? Math.max(r.value() - r.ciLow(), r.ciHigh() - r.value()) : 0.0);
                });
            }
            if (x.isEmpty()) return;
            if (bars) c.addSeries(s, x, y, err);
            else c.addSeries(s, x, y);
        });
        save(suite, stem, c);
    }

    /** Lines of value vs a numeric param, one series per key. */
    private void series(String suite, String stem, String title, String xTitle, String yTitle, List<ResultRow> rows,
                        Function<ResultRow, String> key, String param, boolean logX, boolean logY) {
        List<ResultRow> usable = rows.stream().filter(r -> Params.parse(r.param()).containsKey(param)).toList();
        if (usable.isEmpty()) return;
        XYChart c = xy(title, xTitle, yTitle);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        // each line's points in x order; the legend top to bottom as the lines end, highest first, so it reads as the chart does
        Comparator<ResultRow> byX = Comparator.comparingDouble(r -> Params.number(Params.parse(r.param()).get(param)));
        group(usable, key).entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, List<ResultRow>> e) -> e.getValue().stream().max(byX).orElseThrow().value()).reversed())
                .forEach(e -> {
                    List<ResultRow> sorted = e.getValue().stream().sorted(byX).toList();
                    c.addSeries(e.getKey(), sorted.stream().map(r -> Params.number(Params.parse(r.param()).get(param))).toList(),
                            sorted.stream().map(ResultRow::value).toList());
                });
        save(suite, stem, c);
    }

    private static CategoryChart category(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisLabelRotation(30);
        return c;
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return c;
    }

    private static Map<String, List<ResultRow>> group(List<ResultRow> rows, Function<ResultRow, String> key) {
        Map<String, List<ResultRow>> m = new LinkedHashMap<>();
        for (ResultRow r : rows) m.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
        return m;
    }

    private void save(String suite, String stem, Chart<?, ?> chart) {
        SeriesStyles.distinct(chart);
        try {
            BitmapEncoder.saveBitmap(chart, dir.resolve(stem).toString(), BitmapEncoder.BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve(stem).toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            rendered.add(new Rendered(suite, stem, chart.getTitle(), List.copyOf(chart.getSeriesMap().keySet())));
        } catch (IOException | RuntimeException e) {
            throw new ReportException("cannot render chart " + stem + ": " + e.getMessage(), e);
        }
    }

}
