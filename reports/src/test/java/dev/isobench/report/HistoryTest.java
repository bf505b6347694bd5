package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three runs of one host: the third, 3% slower, is flagged against the second; the second is not against the first. */
class HistoryTest {
    @TempDir
    Path tmp;

    @Test
    void aRunThatDiffersFromTheOneBeforeIsFlagged() throws Exception {
        Path[] dirs = new Path[3];
        double[] scale = {1.0, 1.0, 1.03};
        SplittableRandom random = new SplittableRandom(11);
        for (int k = 0; k < 3; k++) {
            dirs[k] = Fixtures.copy("run-a", tmp.resolve("r" + k));
            double[] values = new double[200];
            for (int i = 0; i < values.length; i++) {
                values[i] = 3.0 * scale[k] * Math.exp(0.02 * Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble()));
            }
            try (Samples.Writer w = new Samples.Writer(dirs[k], "startup")) {
                w.write("startup", "start-to-exit", "engine", "", "", "ms", values);
            }
        }
        List<History.Metric> metrics = History.metrics(History.ordered(List.of(dirs)));
        History.Metric engine = metrics.stream().filter(m -> m.key().equals("startup|start-to-exit|engine|||median")).findFirst().orElseThrow();
        assertEquals("", engine.change().get(1), "the same setup again is no change");
        assertTrue(engine.change().get(2).startsWith("slower (x1.0"), engine.change().get(2));
        assertTrue(metrics.size() > 1, "more headline metrics than one: " + metrics.size());
        Path html = History.write(List.of(dirs), tmp.resolve("history"));
        String page = Files.readString(html);
        assertTrue(page.contains("data:image/png;base64,") && page.contains("slower (x1.0"), "charts and the flag in one page");
        assertEquals(metrics.size(), page.split("<figure>", -1).length - 1, "one chart per metric");
    }
}
