package dev.isobench.engine.spec;

import java.util.List;

/**
 * A seccomp policy: syscalls that fail with EPERM, whether clone may create namespaces, and (for
 * measuring the filter's own cost) a number of rules that never match.
 */
public record Seccomp(String name, List<String> denied, boolean denyNamespaceClone, int noopRules) {
    /** No filter at all. */
    public static final Seccomp UNCONFINED = new Seccomp("unconfined", List.of(), false, 0);

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
            "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick"), true, 0);

    public Seccomp {
        denied = List.copyOf(denied);
        if (noopRules < 0 || noopRules > 150) throw new IllegalArgumentException("a seccomp filter takes 0 to 150 no-op rules (classic BPF jumps reach 255), got " + noopRules);
    }

    /** The default profile plus N rules that never match: a known, injected per-syscall cost. */
    public static Seccomp withNoopRules(int n) {
        return new Seccomp("default+" + n + "-noop", DEFAULT.denied(), true, n);
    }

    /** {@code --security-opt seccomp=unconfined|default|noop:N}. */
    public static Seccomp parse(String value) {
        if (value.equals("unconfined")) return UNCONFINED;
        if (value.equals("default")) return DEFAULT;
        if (value.startsWith("noop:")) return withNoopRules(Integer.parseInt(value.substring(5)));
        throw new IllegalArgumentException("--security-opt seccomp= takes unconfined, default or noop:N (Docker JSON profiles are not"
                + " read yet), got '" + value + "'");
    }
}
