package dev.isobench.engine.oci;

import dev.isobench.engine.plan.MountOptions;
import dev.isobench.engine.spec.Capabilities;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What {@code features} reports (runc's schema) and the example bundle config {@code spec} writes. */
public final class RuntimeFeatures {
    private RuntimeFeatures() {}

    public static String json() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", "1.2.0");
        f.put("hooks", List.of("prestart", "createRuntime", "poststart", "poststop"));
        f.put("mountOptions", new TreeSet<>(MountOptions.names()));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "user", "uts"));
        linux.put("capabilities", Capabilities.NUMBERS.keySet().stream().map(c -> "CAP_" + c).sorted().toList());
        linux.put("cgroup", Map.of("v1", true, "v2", true, "systemd", false, "systemdUser", false));
        linux.put("seccomp", Map.of("enabled", true,
                "actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG"),
                "operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ"),
                "archs", List.of("SCMP_ARCH_X86_64")));
        linux.put("apparmor", Map.of("enabled", false));
        linux.put("selinux", Map.of("enabled", false));
        f.put("linux", linux);
        f.put("annotations", Map.of("dev.isobench.engine", "the isobench container engine"));
        return OciRuntime.json(f);
    }

    public static String exampleConfig() {
        try (InputStream in = RuntimeFeatures.class.getResourceAsStream("example-config.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
