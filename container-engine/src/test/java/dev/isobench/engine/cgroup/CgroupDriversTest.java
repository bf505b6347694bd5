package dev.isobench.engine.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.isobench.engine.proc.Mountinfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Detection from the three host layouts: v1, v2 and hybrid (this CI machine's). */
class CgroupDriversTest {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    @Test
    void unifiedHostGetsV2() {
        var d = CgroupDrivers.detect(Mountinfo.parse("25 24 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n"), ROOT);
        assertInstanceOf(V2Driver.class, d);
    }

    @Test
    void hybridHostIsServedByV1() {
        var d = CgroupDrivers.detect(Mountinfo.parse(
                "25 24 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                        + "26 25 0:23 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                        + "27 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                        + "28 25 0:25 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                        + "29 25 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"), ROOT);
        V1Driver v1 = assertInstanceOf(V1Driver.class, d);
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), v1.mounts().get("cpu"));
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), v1.mounts().get("cpuacct"));
        assertEquals(Path.of("/sys/fs/cgroup/memory"), v1.mounts().get("memory"));
        assertEquals(2, v1.joinFiles(CgroupPath.ofContainer("x")).size(), "co-mounted controllers share one hierarchy");
        assertEquals(Path.of("/sys/fs/cgroup/memory/isobench/x/tasks"), v1.joinFiles(CgroupPath.ofContainer("x")).get(1), "a process joins v1 through tasks");
    }

    @Test
    void noCgroupsGetsNoop() {
        assertInstanceOf(NoopDriver.class, CgroupDrivers.detect(Mountinfo.parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"), ROOT));
    }
}
