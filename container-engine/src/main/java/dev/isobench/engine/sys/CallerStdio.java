package dev.isobench.engine.sys;

import java.util.Optional;

/**
 * The fds 0-2 and environment of whoever this thread works for, when that is not this process: the resident engine
 * serves each client's call on a thread of its own, with the client's stdio and env passed over its socket. A
 * container that inherits its caller's stdio gets these fds; an OCI hook that inherits the runtime's env, this env.
 * Unset, the caller is this process.
 */
public final class CallerStdio {
    private static final ThreadLocal<int[]> FDS = new ThreadLocal<>();
    private static final ThreadLocal<java.util.List<String>> ENV = new ThreadLocal<>();

    private CallerStdio() {}

    public static Optional<int[]> current() {
        return Optional.ofNullable(FDS.get());
    }

    /** For the current thread's work, until {@link #clear()}. */
    public static void set(int[] fds) {
        if (fds.length != 3) throw new IllegalArgumentException("a caller's stdio is three fds, got " + fds.length);
        FDS.set(fds.clone());
    }

    public static void clear() {
        FDS.remove();
        ENV.remove();
    }

    public static void setEnvironment(java.util.List<String> env) {
        ENV.set(java.util.List.copyOf(env));
    }

    /** The caller's environment as KEY=VALUE: the client's, or this process's own. */
    public static java.util.List<String> environment() {
        java.util.List<String> env = ENV.get();
        return env != null ? env : System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
