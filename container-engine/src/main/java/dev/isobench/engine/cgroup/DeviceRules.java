package dev.isobench.engine.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * The device allow-list of a v1 devices cgroup, Docker's default: mknod of any node (useless without the
 * right to open it), and read/write only of the nodes a container's /dev holds. On v2 a container without rules
 * of its own has no device program: every container mount but /dev's bound nodes is nodev, so a node made inside
 * cannot be opened; one with rules gets a BPF device program of the same list and its rules ({@link DeviceProgram}).
 */
public final class DeviceRules {
    static final List<String> DEFAULT_ALLOW = List.of(
            "c *:* m", "b *:* m",
            "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", // null zero full random urandom
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", // tty console ptmx
            "c 136:* rwm"); // the container's own ptys

    private DeviceRules() {}

    /** Whether a rule ("c 1:3 rwm") is in the default allow-list, or covered by one of its wildcards. */
    public static boolean allowedByDefault(String rule) {
        if (DEFAULT_ALLOW.contains(rule)) return true;
        String[] p = rule.split(" ");
        return p.length == 3 && p[1].startsWith("136:") && "rwm".contains(p[2]) && p[0].equals("c")
                || p.length == 3 && p[2].equals("m") && (p[0].equals("c") || p[0].equals("b"));
    }

    /** Denies every device, then allows the default list. */
    static void restrict(Path group) {
        CgroupFiles.write(group.resolve("devices.deny"), "a");
        CgroupFiles.writeEach(group.resolve("devices.allow"), DEFAULT_ALLOW); // one open for the eleven rules
    }

    /** Rules after the default list, in order: each written to devices.allow or devices.deny. */
    static void apply(Path group, List<dev.isobench.engine.spec.DeviceRule> rules) {
        for (var r : rules) CgroupFiles.write(group.resolve(r.allow() ? "devices.allow" : "devices.deny"), r.rule());
    }

    /** The v2 program of the default list, then the rules in order (the last that matches decides; none: denied). */
    static byte[] program(List<dev.isobench.engine.spec.DeviceRule> rules) {
        List<DeviceProgram.Rule> all = new java.util.ArrayList<>();
        for (String d : DEFAULT_ALLOW) all.add(DeviceProgram.Rule.parse(true, d));
        for (var r : rules) all.add(DeviceProgram.Rule.parse(r.allow(), r.rule()));
        return DeviceProgram.compile(all);
    }

    /** {@code --privileged}: every device, as the host. */
    static void allowAll(Path group) {
        CgroupFiles.write(group.resolve("devices.allow"), "a");
    }
}
