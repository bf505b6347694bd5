package dev.isobench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The report's "where the time goes" part of a suite run with --explain: per comparison a paragraph, the rows that
 * hold the CPU difference, the system calls made more often, and an interactive differential flame graph
 * (d3-flame-graph, inlined with d3 so that the report works from disk).
 */
final class ExplainSection {
    /** d3 and d3-flame-graph as the build packed them (reports/pom.xml), and the flame graphs' set-up. */
    private static final String[] LIBRARIES = {"js/d3/dist/d3.min.js", "js/d3-flame-graph/dist/d3-flamegraph.umd.min.js"};
    private static final String INIT = "(function(){function fmt(ns){var a=Math.abs(ns);return a>=1e6?(ns/1e6).toFixed(2)+' ms':a>=1e3?(ns/1e3).toFixed(1)+' µs':"
            + "ns.toFixed(1)+' ns'}var n=0;document.querySelectorAll('div.flame').forEach(function(el){"
            + "var data=JSON.parse(document.getElementById(el.dataset.src).textContent);var unit=el.dataset.unit,base=el.dataset.base;"
            + "var chart=flamegraph.default().width(Math.max(600,Math.min(1080,el.clientWidth||1080))).cellHeight(16).minFrameSize(1)"
            + ".transitionDuration(0).sort(true).setColorMapper(flamegraph.colorMapper.differentialColorMapper)"
            + ".setDetailsElement(document.getElementById(el.id+'-details'))"
            + ".setLabelHandler(function(d){return d.data.n+': '+fmt(d.data.v)+' per '+unit+' ('+(d.data.d>=0?'+':'')+fmt(d.data.d)+' vs '+base+')'});"
            + "d3.select(el).datum(data).call(chart);if(el.querySelector('svg'))n++});document.body.dataset.flames=n})();";

    private ExplainSection() {}

    /** The explanation of one suite, under its charts. */
    static void html(Html h, Explanations.Suite s, int[] serial) {
        h.raw("<h3 id=\"explain-" + s.name() + "\">").text("Where the time goes: " + s.workload()).raw("</h3>\n<p class=sub>")
                .text("Profiled with perf after the timed turns, untimed: on-CPU stacks (kernel, user and Java) and system calls by"
                        + " name, each divided by the " + s.unit() + "s profiled. A row is the deepest frame holding a large part of the"
                        + " difference; '(itself)' is what that frame's smaller callees add up to. Red in a flame graph: the target spends more"
                        + " there than the baseline, blue: less. The folded stacks are in explain/" + s.name()
                        + "/ (flamegraph.pl, speedscope).").raw("</p>\n");
        for (Differential.Result r : s.comparisons()) comparison(h, s, r, serial[0]++);
    }

    private static void comparison(Html h, Explanations.Suite s, Differential.Result r, int id) {
        String per = "per " + s.unit();
        h.raw("<h4>").text(r.target().label() + " vs " + r.baseline().label()).raw("</h4>\n<p class=explain>")
                .text(Differential.paragraph(r, s.unit())).raw("</p>\n");
        if (Differential.notable(r) && !r.rows().isEmpty()) {
            h.raw("<table class=sortable><thead><tr><th>frame</th><th>called from</th><th>extra CPU " + per + "</th><th>share of the difference</th>"
                    + "</tr></thead><tbody>\n");
            for (Differential.Row row : r.rows()) {
                String frame = row.frame().equals(Differential.ROOT) ? "elsewhere (frames each under the threshold)"
                        : Differential.display(row.frame()) + (row.restOfFrame() ? " (itself)" : "");
                h.row(frame, row.chain(), Differential.signed(row.extraNanos()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * row.extraNanos() / r.extraCpuNanos()));
            }
            h.raw("</tbody></table>\n<p class=sub>").text(String.format(Locale.ROOT, "The named rows hold %.0f%% of the CPU difference (%s %s: %s against %s).",
                    100 * r.coverage(), Differential.signed(r.extraCpuNanos()), per, Differential.duration(r.target().cpuNanos()),
                    Differential.duration(r.baseline().cpuNanos()))).raw("</p>\n");
        }
        var calls = Differential.tableSyscalls(r);
        if (!calls.isEmpty()) {
            h.raw("<table class=sortable><thead><tr><th>system call</th><th>").text(r.target().label() + " " + per).raw("</th><th>")
                    .text(r.baseline().label() + " " + per).raw("</th><th>extra</th></tr></thead><tbody>\n");
            for (Differential.Syscall c : calls) h.row(c.name(), calls(c.target()), calls(c.baseline()), String.format(Locale.ROOT, "%+.2f", c.extra()));
            h.raw("</tbody></table>\n");
        }
        Explanations.flameGraph(r).ifPresent(data -> {
            h.raw("<div class=flame id=\"fg-" + id + "\" data-src=\"fgd-" + id + "\" data-unit=\"").text(s.unit()).raw("\" data-base=\"")
                    .text(r.baseline().label()).raw("\"></div><p class=sub id=\"fg-" + id + "-details\"></p>\n");
            h.raw("<script type=\"application/json\" id=\"fgd-" + id + "\">").raw(Explanations.json(data).replace("</", "<\\/")).raw("</script>\n");
        });
    }

    private static String calls(double perOp) {
        return perOp >= 10 ? String.format(Locale.ROOT, "%.0f", perOp) : String.format(Locale.ROOT, "%.2f", perOp);
    }

    /** The libraries and the set-up, once per report, after the flame graphs' elements. */
    static void scripts(Html h) {
        for (String lib : LIBRARIES) h.raw("<script>").raw(resource(lib)).raw("</script>\n");
        h.raw("<script>").raw(INIT).raw("</script>\n");
    }

    private static String resource(String name) {
        try (InputStream in = ExplainSection.class.getResourceAsStream(name)) {
            if (in == null) throw new ReportException("the jar lacks " + name + ": rebuild with 'mvn package' (it fetches d3 and d3-flame-graph from npm)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
