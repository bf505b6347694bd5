package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ForestPlotTest {
    private static Compare.Line line(String key, double[] ratio, Boolean significant) {
        return new Compare.Line(key, "ns", Arrays.asList(null, null), new ArrayList<>(Arrays.asList(new double[] {1, 1, 1}, ratio)),
                new ArrayList<>(Arrays.asList(null, significant)), new ArrayList<>(Arrays.asList((SampleTest) null, null)));
    }

    @Test
    void oneMarkPerComparedMedianColoredByVerdictAndFarRatiosStayOnTheAxis() {
        List<Compare.Line> lines = List.of(
                line("syscall|getpid|engine||iters=1000|median", new double[] {1.03, 1.01, 1.05}, true),
                line("syscall|getpid|host||iters=1000|median", new double[] {0.99, 0.97, 1.01}, false),
                line("syscall|getpid|host||iters=1000|p99", new double[] {2, 1.5, 2.5}, true), // not a median: not plotted
                line("syscall|fork|engine|<b>||median", new double[] {40, 30, 50}, true));
        List<ForestPlot.Mark> marks = ForestPlot.marks(lines, List.of("a", "b"), 0);
        assertEquals(3, marks.size(), marks.toString());
        assertEquals("slower", marks.get(0).verdict());
        assertEquals("no difference", marks.get(1).verdict());
        String svg = ForestPlot.svg("syscall", marks);
        assertTrue(svg.contains("#c0392b") && svg.contains("#7f8c8d"), "red for slower, grey for no difference");
        assertTrue(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "labels are escaped");
        Matcher x = Pattern.compile("<rect x=\"([0-9.]+)\"").matcher(svg);
        while (x.find()) {
            double at = Double.parseDouble(x.group(1));
            assertTrue(at >= 355 && at <= 360 + 520, "every mark on the plot, a 40x ratio at its edge: x " + at);
        }
    }
}
