package dev.isobench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** "What costs" lines come from the rows: each knob against its base on the same target, each target's base against the host. */
class AppFindingsTest {
    private static ResultRow median(String target, String param, double value, double low, double high) {
        return ResultRow.of("app", "redis-get", target, "", param, "median", "req/s", value, 5).withCi(low, high);
    }

    @Test
    void aKnobIsComparedWithItsBaseSettingOnTheSameTargetAndATargetWithTheHost() {
        List<ResultRow> rows = List.of(
                median("host", "clients=16", 100_000, 95_000, 105_000),
                median("engine", "clients=16,net=host,seccomp=default,cgroup=none", 98_000, 96_000, 100_000),
                median("engine", "clients=16,net=published,seccomp=default,cgroup=none", 49_000, 48_000, 50_000),
                median("docker", "clients=16,net=published", 40_000, 39_000, 41_000)); // no docker base row: no line for it
        List<AppFindings.Cost> costs = AppFindings.costs(rows);
        assertEquals(2, costs.size(), costs.toString());
        AppFindings.Cost published = costs.stream().filter(c -> c.what().contains("published port")).findFirst().orElseThrow();
        assertEquals(0.5, published.ratio(), 1e-9);
        assertEquals(48_000.0 / 100_000, published.low(), 1e-9, "the interval from both rows' own, the widest they allow");
        assertEquals(50_000.0 / 96_000, published.high(), 1e-9);
        assertTrue(published.text().startsWith("redis-get (16 clients): engine: published port vs the host's network: 0.5x ["), published.text());
        AppFindings.Cost engine = costs.stream().filter(c -> c.what().equals("engine vs the host")).findFirst().orElseThrow();
        assertEquals(0.98, engine.ratio(), 1e-9);
        // where the suite wrote its own ratio to the host (an interval over both sides' runs), that is the line's figure
        List<ResultRow> withRatio = new java.util.ArrayList<>(rows);
        withRatio.add(ResultRow.of("app", "redis-get", "engine", "", "clients=16,net=host,seccomp=default,cgroup=none", "ratio_vs_host", "ratio",
                0.97, 5).withCi(0.95, 0.99));
        AppFindings.Cost own = AppFindings.costs(withRatio).stream().filter(c -> c.what().equals("engine vs the host")).findFirst().orElseThrow();
        assertEquals(List.of(0.97, 0.95, 0.99), List.of(own.ratio(), own.low(), own.high()));
    }

    @Test
    void numbersKeepThreeDigitsWithoutAnExponent() {
        assertEquals("123457", AppFindings.number(123_456.7));
        assertEquals("0.00295", AppFindings.number(0.0029477));
        assertEquals("1.02", AppFindings.number(1.0234));
        assertEquals("NaN", AppFindings.number(Double.NaN));
    }
}
