package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {
    @TempDir
    Path tmp;

    @Test
    void twoRealRunsLineUpWithRatiosToTheBaseline() throws Exception {
        ResultsDir a = ResultsDir.load(Fixtures.copy("run-a", tmp));
        ResultsDir b = ResultsDir.load(Fixtures.copy("run-b", tmp));
        List<Compare.Line> lines = Compare.lines(List.of(a, b), 0);
        String key = "startup|start-to-exit|engine|||median";
        Compare.Line line = lines.stream().filter(l -> l.key().equals(key)).findFirst().orElseThrow();
        double expected = line.perRun().get(1).value() / line.perRun().get(0).value();
        assertEquals(expected, line.ratios().get(1)[0], 1e-12);
        assertEquals(1.0, line.ratios().get(0)[0], 1e-12, "the baseline against itself");
        boolean overlap = !(line.perRun().get(1).ciLow() > line.perRun().get(0).ciHigh() || line.perRun().get(1).ciHigh() < line.perRun().get(0).ciLow());
        assertEquals(!overlap, line.significant().get(1));
    }

    @Test
    void rowsMissingOnOneSideAreListedNotDropped() throws Exception {
        Path a = Fixtures.copy("run-a", tmp);
        Path b = Fixtures.copy("run-b", tmp);
        Path html = Compare.write(List.of(a, b), 0, tmp.resolve("cmp"));
        List<Compare.Line> lines = Compare.lines(List.of(ResultsDir.load(a), ResultsDir.load(b)), 0);
        Compare.Line onlyA = lines.stream().filter(l -> l.perRun().get(1) == null).findFirst().orElseThrow();
        assertNull(onlyA.ratios().get(1));
        String page = Files.readString(html);
        assertTrue(page.contains("Rows missing on one side"));
        assertTrue(page.contains(onlyA.key().replace("&", "&amp;")));
        String csv = Files.readString(tmp.resolve("cmp/compare.csv"));
        assertTrue(csv.contains("missing"));
        assertTrue(csv.startsWith("# runs: run0="), "the CSV says which run is which and the test used");
    }
}
