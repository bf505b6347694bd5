package dev.isobench.engine.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 driver's file writes against a temporary tree shaped like a v2 hierarchy. */
class V2DriverTest {
    @TempDir
    Path root;

    @Test
    void createDelegatesOnlyMissingControllersAndNeverWritesOutsideIsobench() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
        Files.createDirectory(root.resolve("isobench"));
        Files.writeString(root.resolve("isobench/cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("isobench/cgroup.subtree_control"), "\n");
        Files.createDirectory(root.resolve("other"));

        V2Driver d = new V2Driver(root);
        d.create(CgroupPath.ofContainer("c1"));

        assertEquals("+cpu +pids +cpuset +io", Files.readString(root.resolve("cgroup.subtree_control")));
        assertEquals("+cpu +memory +pids +cpuset +io", Files.readString(root.resolve("isobench/cgroup.subtree_control")));
        assertTrue(Files.isDirectory(root.resolve("isobench/c1")));
        assertEquals(List.of(root.resolve("isobench/c1/cgroup.procs")), d.joinFiles(CgroupPath.ofContainer("c1")));
        assertEquals(List.of("c1"), d.list());
        try (var s = Files.list(root.resolve("other"))) {
            assertFalse(s.findAny().isPresent(), "a group isobench did not make was touched");
        }
    }

    @Test
    void destroyOfAMissingGroupIsANoOp() {
        new V2Driver(root).destroy(CgroupPath.ofContainer("gone"));
        assertFalse(Files.exists(root.resolve("isobench/gone")));
    }

    @Test
    void limitsAreWrittenInV2FormAndStatsReadBack() throws Exception {
        Path g = Files.createDirectories(root.resolve("isobench/c2"));
        Files.writeString(g.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 2000\n");
        Files.writeString(g.resolve("memory.current"), "4096\n");
        Files.writeString(g.resolve("memory.peak"), "8192\n");
        Files.writeString(g.resolve("memory.max"), "max\n");
        Files.writeString(g.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(g.resolve("pids.current"), "2\n");
        Files.writeString(g.resolve("pids.max"), "max\n");
        Files.writeString(g.resolve("io.stat"), "254:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:0 rbytes=1 wbytes=2\n");
        V2Driver d = new V2Driver(root);

        CgroupStats s = d.stats(CgroupPath.ofContainer("c2"));
        assertEquals(new CgroupStats(1_500_000, 10, 4, 2_000_000, 4096, 8192, CgroupStats.UNLIMITED, 3, 1, 2,
                CgroupStats.UNLIMITED, 101, 202), s);

        d.apply(CgroupPath.ofContainer("c2"), dev.isobench.engine.spec.Limits.builder().cpus(0.5).cpuShares(1024).memory(64L << 20)
                .memoryReservation(32L << 20).pids(100).cpusetCpus("0")
                .readBps(List.of(new dev.isobench.engine.spec.DeviceRate(254, 0, 1048576)))
                .writeBps(List.of(new dev.isobench.engine.spec.DeviceRate(254, 0, 2097152))).build());
        assertEquals("50000 100000", Files.readString(g.resolve("cpu.max")));
        assertEquals("39", Files.readString(g.resolve("cpu.weight")));
        assertEquals(Long.toString(64L << 20), Files.readString(g.resolve("memory.max")));
        assertEquals(Long.toString(64L << 20), Files.readString(g.resolve("memory.swap.max")), "docker's default: swap as large as memory");
        assertEquals(Long.toString(32L << 20), Files.readString(g.resolve("memory.high")));
        assertEquals("100", Files.readString(g.resolve("pids.max")));
        assertEquals("0", Files.readString(g.resolve("cpuset.cpus")));
        assertEquals("254:0 rbps=1048576 wbps=2097152", Files.readString(g.resolve("io.max")));
    }
}
