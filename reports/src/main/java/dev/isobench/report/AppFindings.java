package dev.isobench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The application suite's rows read for a person: per workload, a table of each place's throughput, latency and
 * ratio to the host, and "what costs" lines, each a knob set one way against the same place with that knob at its
 * base setting (a published port against the host's network, the container's layer against a volume, seccomp
 * unconfined against the default filter, cgroup limits against none), and each target against the host.
 */
public final class AppFindings {
    public static final String SUITE = "app";
    /** Each knob's base setting, and how a line names the knob's other settings. */
    private static final Map<String, String> BASE = Map.of("net", "host", "storage", "volume", "seccomp", "default", "cgroup", "none");
    private static final Map<String, String> NAMES = Map.of("net=published", "published port", "net=bridge", "container to container",
            "storage=layer", "data in the container's layer", "seccomp=unconfined", "no seccomp filter", "cgroup=limits", "cgroup limits (not binding)");
    private static final Map<String, String> BASE_NAMES = Map.of("net", "the host's network", "storage", "a volume", "seccomp", "the default filter",
            "cgroup", "no limits");

    /** One finding: the workload, what was changed, and the ratio of throughputs with its interval (NaN bounds when unknown). */
    public record Cost(String benchmark, String param, String what, double ratio, double low, double high) {
        public String text() {
            String interval = Double.isNaN(low) ? "" : " [" + number(low) + ", " + number(high) + "]";
            return benchmark + " (" + param + "): " + what + ": " + number(ratio) + "x" + interval;
        }
    }

    private AppFindings() {}

    /** The "what costs" lines of these rows: every knob away from its base, and every target against the host. */
    public static List<Cost> costs(List<ResultRow> rows) {
        List<ResultRow> medians = rows.stream().filter(r -> r.suite().equals(SUITE) && r.metric().equals("median") && !r.unit().equals("us")).toList();
        List<Cost> out = new ArrayList<>();
        for (ResultRow r : medians) {
            Map<String, String> p = Params.parse(r.param());
            for (Map.Entry<String, String> kv : p.entrySet()) {
                String base = BASE.get(kv.getKey());
                if (base == null || base.equals(kv.getValue())) continue;
                Map<String, String> other = new LinkedHashMap<>(p);
                other.put(kv.getKey(), base);
                String param = format(other);
                medians.stream().filter(b -> b.benchmark().equals(r.benchmark()) && b.target().equals(r.target()) && b.variant().equals(r.variant())
                        && b.param().equals(param)).findFirst().ifPresent(b -> out.add(cost(r, b, label(r) + ": "
                        + NAMES.getOrDefault(kv.getKey() + "=" + kv.getValue(), kv.getKey() + "=" + kv.getValue()) + " vs " + BASE_NAMES.get(kv.getKey()))));
            }
            if (!r.target().equals("host") && p.entrySet().stream().allMatch(kv -> !BASE.containsKey(kv.getKey()) || BASE.get(kv.getKey()).equals(kv.getValue()))) {
                // the suite's own ratio row where there is one (its interval is over both sides' runs), else the medians'
                Optional<ResultRow> ratio = rows.stream().filter(x -> x.suite().equals(SUITE) && x.benchmark().equals(r.benchmark()) && x.target().equals(r.target())
                        && x.variant().equals(r.variant()) && x.param().equals(r.param()) && x.metric().equals("ratio_vs_host")).findFirst();
                String what = label(r) + " vs the host";
                if (ratio.isPresent()) out.add(new Cost(r.benchmark(), cost(r, r, what).param(), what, ratio.get().value(), ratio.get().ciLow(), ratio.get().ciHigh()));
                else host(medians, r).ifPresent(h -> out.add(cost(r, h, what)));
            }
        }
        return out;
    }

    private static Optional<ResultRow> host(List<ResultRow> medians, ResultRow r) {
        String clients = Params.parse(r.param()).get("clients");
        return medians.stream().filter(h -> h.benchmark().equals(r.benchmark()) && h.target().equals("host")
                && Objects.equals(Params.parse(h.param()).get("clients"), clients)).findFirst();
    }

    private static Cost cost(ResultRow r, ResultRow base, String what) {
        boolean both = r.hasCi() && base.hasCi();
        String clients = Params.parse(r.param()).getOrDefault("clients", "");
        return new Cost(r.benchmark(), clients.isEmpty() ? r.unit() : clients + " clients", what, r.value() / base.value(),
                both ? r.ciLow() / base.ciHigh() : Double.NaN, both ? r.ciHigh() / base.ciLow() : Double.NaN);
    }

    private static String format(Map<String, String> p) {
        return String.join(",", p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    static String label(ResultRow r) {
        return r.variant().isEmpty() ? r.target() : r.target() + "/" + r.variant();
    }

    /** The place a row was measured in, as a chart's series names it: the target and its knobs (not the concurrency). */
    static String place(ResultRow r) {
        List<String> knobs = Params.parse(r.param()).entrySet().stream().filter(e -> !e.getKey().equals("clients"))
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        return label(r) + (knobs.isEmpty() ? "" : " " + String.join(",", knobs));
    }

    /** The suite's section of report.html: a table per workload, and the "what costs" lines. */
    static void html(Html h, List<ResultRow> rows) {
        List<Cost> costs = costs(rows);
        if (!costs.isEmpty()) {
            h.raw("<h3>What costs</h3>\n<p>Each knob against the same target with that knob at its base setting, and each target's base"
                    + " setup against the host: the ratio of throughputs (median over runs), with the interval from both rows' own.</p>\n<ul>");
            costs.forEach(c -> h.raw("<li>").text(c.text()).raw("</li>"));
            h.raw("</ul>\n");
        }
        Map<String, List<ResultRow>> byBench = new LinkedHashMap<>();
        rows.stream().filter(r -> r.metric().equals("median")).forEach(r -> byBench.computeIfAbsent(r.benchmark(), k -> new ArrayList<>()).add(r));
        for (Map.Entry<String, List<ResultRow>> e : byBench.entrySet()) {
            h.raw("<h3>").text(e.getKey()).raw("</h3>\n<table class=sortable><thead><tr><th>target</th><th>settings</th><th>throughput</th>"
                    + "<th>p50 latency</th><th>p99 latency</th><th>vs host</th><th>runs</th></tr></thead><tbody>\n");
            for (ResultRow r : e.getValue()) {
                h.row(label(r), r.param(), value(r), metric(rows, r, "p50_latency").map(AppFindings::value).orElse(""),
                        metric(rows, r, "p99_latency").map(AppFindings::value).orElse(""), metric(rows, r, "ratio_vs_host").map(AppFindings::value).orElse(""),
                        Long.toString(r.samples()));
            }
            h.raw("</tbody></table>\n");
        }
    }

    private static Optional<ResultRow> metric(List<ResultRow> rows, ResultRow r, String metric) {
        return rows.stream().filter(x -> x.benchmark().equals(r.benchmark()) && x.target().equals(r.target()) && x.variant().equals(r.variant())
                && x.param().equals(r.param()) && x.metric().equals(metric)).findFirst();
    }

    private static String value(ResultRow r) {
        String unit = r.unit().equals("ratio") ? "x" : " " + r.unit();
        return number(r.value()) + unit + (r.hasCi() ? " [" + number(r.ciLow()) + ", " + number(r.ciHigh()) + "]" : "");
    }

    /** Three significant digits, without an exponent for the sizes these rows have. */
    static String number(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
