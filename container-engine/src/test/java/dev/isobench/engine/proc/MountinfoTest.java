package dev.isobench.engine.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountinfoTest {
    @Test
    void parsesOptionalFieldsAndOctalEscapes() {
        List<Mountinfo.Entry> e = Mountinfo.parse(
                "36 35 98:0 /mnt1 /mnt\\040with\\040space rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n"
                        + "30 25 0:26 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n");
        assertEquals(Path.of("/mnt with space"), e.get(0).mountPoint());
        assertEquals("ext3", e.get(0).fsType());
        assertEquals(Set.of("rw", "cpu", "cpuacct"), e.get(1).superOptions());
    }
}
