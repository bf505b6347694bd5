package dev.isobench.report;

import java.awt.Color;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.MarkerSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A colour and a marker per series, no pair twice in a chart: the colours of Tableau 10 (told apart by most
 * readers, colour-blind ones too), then the next marker with the colours again. XChart cycles its colours and
 * markers each on its own, so two series of a long legend could share both (crun and runsc/ptrace were both purple
 * crosses).
 */
final class SeriesStyles {
    static final List<Color> COLORS = List.of(new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0x79706E));
    static final List<Marker> MARKERS = List.of(SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.TRAPEZOID, SeriesMarkers.OVAL, SeriesMarkers.RECTANGLE);

    private SeriesStyles() {}

    /** The i-th series' colour and marker, in the order the series were added (the legend's). */
    static Color color(int i) {
        return COLORS.get(i % COLORS.size());
    }

    static Marker marker(int i) {
        return MARKERS.get((i / COLORS.size()) % MARKERS.size());
    }

    /** Gives every series of the chart its own colour and marker. */
    static void distinct(Chart<?, ?> chart) {
        int i = 0;
        if (chart instanceof CategoryChart c) {
            for (CategorySeries s : c.getSeriesMap().values()) style(s, i++);
        } else if (chart instanceof XYChart c) {
            for (XYSeries s : c.getSeriesMap().values()) style(s, i++);
        }
    }

    private static void style(MarkerSeries s, int i) {
        s.setMarker(marker(i));
        s.setMarkerColor(color(i));
        s.setLineColor(color(i));
        s.setFillColor(color(i));
    }
}
