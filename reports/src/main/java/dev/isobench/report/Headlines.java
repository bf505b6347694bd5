package dev.isobench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The figures the report opens with: what isolation costs here, per suite, at a glance. */
public final class Headlines {
    /** One line of the summary table. */
    public record Headline(String suite, String what, String value, String comparison) {}

    private Headlines() {}

    public static List<Headline> of(ResultsDir results) {
        List<Headline> h = new ArrayList<>();
        List<ResultRow> all = results.allRows();
        find(all, "startup", "start-to-exit", "engine", "", "median").ifPresent(e -> {
            String vsHost = find(all, "startup", "start-to-exit", "engine", "", "ratio_vs_host").map(Headlines::ratio).orElse("");
            Optional<ResultRow> peer = all.stream().filter(r -> r.suite().equals("startup") && r.benchmark().equals("start-to-exit")
                    && r.metric().equals("median") && !r.target().equals("host") && !r.target().equals("floor") && !r.target().startsWith("engine"))
                    .min(Comparator.comparingDouble(ResultRow::value));
            String vsPeer = peer.map(p -> String.format(Locale.ROOT, "; %.2fx the fastest peer (%s, %s)", e.value() / p.value(), p.target(), ms(p))).orElse("");
            String vsFloor = find(all, "startup", "start-to-exit", "engine", "", "ratio_vs_floor")
                    .map(r -> "; " + ratio(r) + " of the floor (the least a container start must do)").orElse("");
            h.add(new Headline("startup", "engine create-start-exit-delete of /probe true", interval(e),
                    (vsHost.isEmpty() ? "" : vsHost + " of host fork+exec") + vsFloor + vsPeer));
        });
        // the CLI as users run it (scripts/isobench ctr run: the C client to the resident engine); a JVM per call beside it
        Optional<ResultRow> resident = find(all, "startup", "start-to-exit", "engine-cli", "resident", "median");
        Optional<ResultRow> jvm = find(all, "startup", "start-to-exit", "engine-cli", "", "median");
        if (resident.isPresent()) {
            List<String> vs = new ArrayList<>();
            find(all, "startup", "start-to-exit", "engine-cli", "resident", "ratio_vs_runc").ifPresent(r -> vs.add(ratio(r) + " of runc run"));
            find(all, "startup", "start-to-exit", "engine-cli", "resident", "ratio_vs_host").ifPresent(r -> vs.add(ratio(r) + " of host fork+exec"));
            jvm.ifPresent(j -> vs.add("a JVM per call instead (ISOBENCH_RESIDENT=0): " + ms(j)));
            h.add(new Headline("startup", "isobench ctr run --rm of /probe true, as a user runs it (resident engine)", interval(resident.get()),
                    String.join("; ", vs)));
        } else {
            jvm.ifPresent(e -> h.add(new Headline("startup", "engine CLI (a whole JVM per container)", ms(e), "")));
        }
        for (ResultRow r : all) {
            if (r.suite().equals("syscall") && r.target().equals("engine") && r.variant().isEmpty() && r.metric().equals("ratio_vs_host")
                    && (r.benchmark().equals("getpid") || r.benchmark().equals("open-close") || r.benchmark().equals("fork"))) {
                h.add(new Headline("syscall", r.benchmark() + " in a container vs on the host", ratio(r), "ratio of medians"));
            }
        }
        all.stream().filter(r -> r.suite().equals("rootfs") && r.benchmark().equals("provision") && r.metric().equals("median"))
                .map(ResultRow::param).max(Comparator.comparingDouble(p -> Params.number(Params.parse(p).getOrDefault("size", "0"))))
                .ifPresent(size -> {
                    Optional<ResultRow> overlay = find(all, "rootfs", "provision", "engine", "overlay", "median", size);
                    Optional<ResultRow> copy = find(all, "rootfs", "provision", "engine", "copy", "median", size);
                    Optional<ResultRow> cp = find(all, "rootfs", "provision", "cp-a", "", "median", size);
                    if (overlay.isPresent() && copy.isPresent()) {
                        h.add(new Headline("rootfs", "provision " + size + ": overlay vs full copy", interval(overlay.get()) + " vs " + interval(copy.get()),
                                cp.map(c -> String.format(Locale.ROOT, "copy is %.2fx cp -a (%s)", copy.get().value() / c.value(), ms(c))).orElse("")));
                    }
                });
        all.stream().filter(r -> r.suite().equals("cgroup") && r.benchmark().equals("cpu-quota") && r.metric().equals("error")
                && r.param().startsWith("cpus=0.5,")).findFirst().ifPresent(r ->
                h.add(new Headline("cgroup", "CPU quota error at 0.5 CPU (" + r.param() + ")", String.format(Locale.ROOT, "%+.1f%%", r.value()), "achieved vs requested")));
        // the application suite: what a container, and then a published port, costs Redis here
        AppFindings.costs(all).stream().filter(c -> c.benchmark().equals("redis-get") && (c.what().equals("engine vs the host")
                || c.what().startsWith("engine: published port"))).forEach(c -> h.add(new Headline(AppFindings.SUITE, c.benchmark() + " (" + c.param()
                + "): " + c.what(), AppFindings.number(c.ratio()) + "x", Double.isNaN(c.low()) ? "ratio of throughputs"
                : "ratio of throughputs [" + AppFindings.number(c.low()) + ", " + AppFindings.number(c.high()) + "]")));
        return h;
    }

    private static Optional<ResultRow> find(List<ResultRow> rows, String suite, String bench, String target, String variant, String metric) {
        return rows.stream().filter(r -> r.suite().equals(suite) && r.benchmark().equals(bench) && r.target().equals(target)
                && r.variant().equals(variant) && r.metric().equals(metric)).findFirst();
    }

    private static Optional<ResultRow> find(List<ResultRow> rows, String suite, String bench, String target, String variant, String metric, String param) {
        return rows.stream().filter(r -> r.suite().equals(suite) && r.benchmark().equals(bench) && r.target().equals(target)
                && r.variant().equals(variant) && r.metric().equals(metric) && r.param().equals(param)).findFirst();
    }

    private static String interval(ResultRow r) {
        return r.hasCi() ? String.format(Locale.ROOT, "%.2f ms [%.2f, %.2f]", r.value(), r.ciLow(), r.ciHigh()) : ms(r);
    }

    private static String ms(ResultRow r) {
        return String.format(Locale.ROOT, "%.2f ms", r.value());
    }

    private static String ratio(ResultRow r) {
        return r.hasCi() ? String.format(Locale.ROOT, "%.3fx [%.3f, %.3f]", r.value(), r.ciLow(), r.ciHigh()) : String.format(Locale.ROOT, "%.3fx", r.value());
    }
}
