package dev.isobench.engine.spec;

import dev.isobench.engine.seccomp.DockerSeccompProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A seccomp policy: syscalls that fail with EPERM, whether clone may create namespaces, and (for
 * measuring the filter's own cost) a number of rules that never match; or a profile in Docker's JSON format
 * ({@code dockerProfile}, the file's text, kept whole so that exec compiles the same filter).
 */
public record Seccomp(String name, List<String> denied, boolean denyNamespaceClone, int noopRules, String dockerProfile) {
    /** The most no-op rules one filter holds beside the default profile's checks (classic BPF: 4096 instructions). */
    public static final int MAX_NOOP_RULES = 3900;

    /** No filter at all. */
    public static final Seccomp UNCONFINED = new Seccomp("unconfined", List.of(), false, 0, "");

    /**
     * Docker's default profile in deny-list form: what a container's root may not do even with the default
     * capabilities (kernel modules, keyrings, clocks, mounts, namespaces, tracing other processes, ...).
     */
    public static final Seccomp DEFAULT = new Seccomp("default", List.of("acct", "add_key", "bpf", "clock_adjtime",
            "clock_settime", "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy", "init_module",
            "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages",
            "name_to_handle_at", "nfsservctl", "open_by_handle_at", "perf_event_open", "pivot_root", "process_vm_readv",
            "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns",
            "settimeofday", "swapon", "swapoff", "sysfs", "_sysctl", "umount2", "unshare", "uselib", "userfaultfd", "ustat",
            "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick"), true, 0, "");

    public Seccomp {
        denied = List.copyOf(denied);
        if (dockerProfile == null) dockerProfile = "";
        if (noopRules < 0 || noopRules > MAX_NOOP_RULES) {
            throw new IllegalArgumentException("a seccomp filter takes 0 to " + MAX_NOOP_RULES + " no-op rules (a filter holds 4096 instructions), got " + noopRules);
        }
    }

    /** The default profile plus N rules that never match: a known, injected per-syscall cost. */
    public static Seccomp withNoopRules(int n) {
        return new Seccomp("default+" + n + "-noop", DEFAULT.denied(), true, n, "");
    }

    /** {@code --security-opt seccomp=unconfined|default|noop:N|FILE.json}. */
    public static Seccomp parse(String value) {
        if (value.equals("unconfined")) return UNCONFINED;
        if (value.equals("default")) return DEFAULT;
        if (value.startsWith("noop:")) {
            try {
                return withNoopRules(Integer.parseInt(value.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seccomp noop:N takes a number of rules (0 to " + MAX_NOOP_RULES + "), got '" + value + "'");
            }
        }
        Path file = Path.of(value);
        if (Files.isRegularFile(file)) {
            try {
                return fromDockerProfile(file.getFileName().toString(), Files.readString(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("--security-opt seccomp=" + value + ": cannot read the profile: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("--security-opt seccomp= takes unconfined, default, noop:N or a Docker JSON profile file"
                + " (no such file: '" + value + "')");
    }

    /** A Docker JSON profile, checked now so that a bad one fails before any container exists. */
    public static Seccomp fromDockerProfile(String name, String json) {
        DockerSeccompProfile.validate(json);
        return new Seccomp("profile:" + name, List.of(), false, 0, json);
    }
}
