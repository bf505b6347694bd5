package dev.isobench.engine.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.spec.CpuQuota;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Sizes;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitChecksTest {
    private final BitSet twoCpus = LimitChecks.parseCpuList("0-1");

    private String refusal(Limits limits, CgroupDriver driver) {
        return assertThrows(EngineException.class, () -> LimitChecks.check(limits, driver, twoCpus)).getMessage();
    }

    @Test
    void aMissingControllerIsNamedWithItsFlag() {
        V1Driver noPids = new V1Driver(Map.of("cpu", Path.of("/x/cpu"), "memory", Path.of("/x/memory")));
        assertEquals("--pids-limit needs the pids controller, which this host's cgroup v1 does not offer",
                refusal(Limits.builder().pids(10).build(), noPids));
        assertTrue(refusal(Limits.builder().cpus(0.5).build(), new NoopDriver()).contains("--cpus/--cpu-shares needs the cpu controller"));
    }

    @Test
    void rangesAreStatedInTheMessage() {
        V1Driver all = new V1Driver(Map.of("cpu", Path.of("/c"), "cpuacct", Path.of("/c"), "memory", Path.of("/m"),
                "pids", Path.of("/p"), "cpuset", Path.of("/s"), "blkio", Path.of("/b")));
        assertTrue(refusal(Limits.builder().cpus(3).build(), all).contains("range 0.01-2"));
        assertTrue(refusal(Limits.builder().cpuShares(1).build(), all).contains("between 2 and 262144"));
        assertTrue(refusal(Limits.builder().cpusetCpus("2").build(), all).contains("online: 0,1"));
        assertTrue(refusal(Limits.builder().cpusetCpus("x").build(), all).contains("takes a list like 0 or 0-1,3"));
        assertTrue(refusal(Limits.builder().memory(1000).build(), all).contains("at least 6m"));
        assertTrue(refusal(Limits.builder().memory(64 << 20).memoryReservation(128 << 20).build(), all).contains("must not exceed --memory"));
        assertTrue(refusal(Limits.builder().pids(0).build(), all).contains("at least 1"));
        LimitChecks.check(Limits.builder().cpus(2).cpusetCpus("0-1").memory(6 << 20).pids(1).build(), all, twoCpus);
    }

    @Test
    void sizesAndQuotasParseDockersForms() {
        assertEquals(64L << 20, Sizes.parse("--memory", "64m"));
        assertEquals(64L << 20, Sizes.parse("--memory", "64MiB"));
        assertEquals(1L << 30, Sizes.parse("--memory", "1g"));
        assertEquals(512, Sizes.parse("--memory", "512"));
        assertEquals(1536, Sizes.parse("--memory", "1.5k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.parse("--memory", "64q")).getMessage().contains("'64q'"));
        assertEquals(new CpuQuota(50_000, 100_000), CpuQuota.cpus(0.5, 100_000));
        assertThrows(IllegalArgumentException.class, () -> CpuQuota.cpus(0.001, 100_000));
        assertThrows(IllegalArgumentException.class, () -> new CpuQuota(50_000, 10));
    }

    @Test
    void sharesMapOntoWeightAsRuncDoes() {
        assertEquals(1, CpuV2.weight(2));
        assertEquals(39, CpuV2.weight(1024));
        assertEquals(10000, CpuV2.weight(262144));
    }
}
