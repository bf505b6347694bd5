package dev.isobench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A forest plot of one suite's comparison, as inline SVG: a line per compared row and run, its ratio to the
 * baseline as a point with its 95% interval, on a log axis with 1 (no change) marked; colored by verdict (red
 * slower or higher, green faster or lower, grey no difference). Written by hand: XChart draws error bars only
 * upright and has no forest plot.
 */
final class ForestPlot {
    private static final int LABEL = 360, PLOT = 520, RIGHT = 150, ROW = 16, TOP = 28, BOTTOM = 34, TICK_GAP = 42;
    private static final double CLAMP = 4;
    private static final String SLOWER = "#c0392b", FASTER = "#1e8449", SAME = "#7f8c8d";

    /** One plotted row: its label, the ratio and interval, and whether (and which way) it differs. */
    record Mark(String label, double ratio, double low, double high, Boolean significant, String verdict) {}

    private ForestPlot() {}

    /** The marks of a suite's median rows: every run but the baseline, where it has a ratio. */
    static List<Mark> marks(List<Compare.Line> lines, List<String> names, int baseline) {
        List<Mark> marks = new ArrayList<>();
        for (Compare.Line l : lines) {
            if (!l.key().endsWith("|median")) continue;
            String[] k = l.key().split("\\|", -1);
            String row = k[1] + " " + k[2] + (k[3].isEmpty() ? "" : "/" + k[3]) + (k[4].isEmpty() ? "" : " " + k[4]);
            for (int i = 0; i < names.size(); i++) {
                double[] r = l.ratios().get(i);
                if (i == baseline || r == null || !(r[0] > 0)) continue;
                marks.add(new Mark((names.size() > 2 ? names.get(i) + ": " : "") + row, r[0], r[1], r[2], l.significant().get(i), l.verdict(i)));
            }
        }
        return marks;
    }

    static String svg(String title, List<Mark> marks) {
        double lo = 1, hi = 1;
        for (Mark m : marks) {
            lo = Math.min(lo, finite(m.low()) ? m.low() : m.ratio());
            hi = Math.max(hi, finite(m.high()) ? m.high() : m.ratio());
        }
        // past 1/4 or 4 an interval is cut at the edge (its value is in the right-hand column): one far row would
        // otherwise squeeze the rows near 1, which are what a comparison is about
        double min = Math.max(Math.log(lo), -Math.log(CLAMP)) - 0.05, max = Math.min(Math.log(hi), Math.log(CLAMP)) + 0.05;
        int height = TOP + marks.size() * ROW + BOTTOM, width = LABEL + PLOT + RIGHT;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=forest width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\" role=\"img\"><title>%s</title>\n", width, height, width, height, Html.escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>\n", LABEL, Html.escape(title)));
        double one = x(0, min, max);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" stroke-dasharray=\"3,3\"/>\n", one, TOP - 4, one, height - BOTTOM + 4));
        for (double tick : ticks(min, max)) {
            double tx = x(Math.log(tick), min, max);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    tx, height - BOTTOM + 4, tx, height - BOTTOM + 9, tx, height - BOTTOM + 21, label(tick)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">ratio to the baseline (log scale; 1 = no change)</text>\n",
                LABEL + PLOT / 2.0, height - 3));
        for (int i = 0; i < marks.size(); i++) {
            Mark m = marks.get(i);
            double y = TOP + i * ROW + ROW / 2.0;
            String color = m.verdict().equals("slower") || m.verdict().equals("higher") ? SLOWER
                    : m.verdict().equals("faster") || m.verdict().equals("lower") ? FASTER : SAME;
            String label = m.label().length() > 58 ? m.label().substring(0, 57) + "…" : m.label();
            s.append(String.format(Locale.ROOT, "<g><title>%s</title><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    Html.escape(m.label() + ": " + String.format(Locale.ROOT, "%.3f", m.ratio())
                            + (finite(m.low()) ? String.format(Locale.ROOT, " [%.3f, %.3f]", m.low(), m.high()) : "") + (m.verdict().isEmpty() ? "" : ", " + m.verdict())),
                    LABEL - 6, y + 4, Html.escape(label)));
            if (finite(m.low()) && finite(m.high())) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>",
                        x(Math.log(m.low()), min, max), y, x(Math.log(m.high()), min, max), y, color));
            }
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"/>", x(Math.log(m.ratio()), min, max) - 3.5, y - 3.5, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s</text></g>\n", LABEL + PLOT + 8, y + 4, color,
                    Html.escape(String.format(Locale.ROOT, "%.3f", m.ratio()) + (m.verdict().isEmpty() ? "" : " " + m.verdict()))));
        }
        return s.append("</svg>\n").toString();
    }

    private static double x(double logRatio, double min, double max) {
        return LABEL + (Math.max(min, Math.min(max, logRatio)) - min) / (max - min) * PLOT;
    }

    private static boolean finite(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && v > 0;
    }

    /** 1, and the usual ratios around it that fit on the axis at least TICK_GAP pixels from their neighbours. */
    private static List<Double> ticks(double min, double max) {
        List<Double> kept = new ArrayList<>(List.of(1.0));
        double[] candidates = {1.05, 0.95, 1.1, 0.9, 1.25, 0.8, 1.5, 0.67, 2, 0.5, 3, 0.33, 5, 0.2, 10, 0.1, 20, 0.05, 50, 0.02, 100, 0.01};
        for (double c : candidates) {
            double at = x(Math.log(c), min, max);
            if (Math.log(c) < min || Math.log(c) > max) continue;
            if (kept.stream().allMatch(k -> Math.abs(x(Math.log(k), min, max) - at) >= TICK_GAP)) kept.add(c);
        }
        kept.sort(Double::compare);
        return kept;
    }

    private static String label(double v) {
        return v >= 1 && v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
