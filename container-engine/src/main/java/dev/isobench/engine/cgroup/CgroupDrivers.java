package dev.isobench.engine.cgroup;

import dev.isobench.engine.proc.Mountinfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the driver from a mountinfo: a cgroup2 mount at the cgroup root means v2; v1 controller mounts
 * (also on hybrid hosts, whose v2 mount sits at {@code <root>/unified}) mean v1; nothing usable means none.
 * Nothing detected is cached: each call reads what the host has now.
 */
public final class CgroupDrivers {
    private CgroupDrivers() {}

    public static CgroupDriver detect() {
        return detect(Mountinfo.read(Path.of("/proc/self/mountinfo")), Path.of("/sys/fs/cgroup"));
    }

    public static CgroupDriver detect(List<Mountinfo.Entry> mounts, Path cgroupRoot) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (Mountinfo.Entry m : mounts) {
            if (m.fsType().equals("cgroup2") && m.mountPoint().equals(cgroupRoot)) return new V2Driver(cgroupRoot);
            if (m.fsType().equals("cgroup")) {
                for (String c : V1Driver.CONTROLLERS) {
                    if (m.superOptions().contains(c)) v1.putIfAbsent(c, m.mountPoint());
                }
            }
        }
        return v1.isEmpty() ? new NoopDriver() : new V1Driver(v1);
    }
}
