package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;

class SeriesStylesTest {
    @Test
    void noTwoSeriesOfAChartShareAColourAndAMarker() {
        int n = SeriesStyles.COLORS.size() * SeriesStyles.MARKERS.size();
        XYChart c = new XYChartBuilder().build();
        for (int i = 0; i < n; i++) c.addSeries("s" + i, List.of(1.0), List.of((double) i));
        SeriesStyles.distinct(c);
        Set<String> seen = new HashSet<>();
        for (XYSeries s : c.getSeriesMap().values()) seen.add(s.getMarkerColor() + "/" + s.getMarker().getClass().getSimpleName());
        assertEquals(n, seen.size(), "every series its own pair, up to " + n);
        assertEquals(SeriesStyles.COLORS.get(0), c.getSeriesMap().get("s0").getMarkerColor(), "in the legend's order");
    }
}
