package dev.isobench.engine.sys;

import java.util.Optional;

/**
 * The fds 0-2 of whoever this thread works for, when that is not this process: the resident engine serves each
 * client's call on a thread of its own, with the client's stdio passed over its socket. A container that inherits
 * its caller's stdio gets these. Unset, the caller's stdio is this process's own.
 */
public final class CallerStdio {
    private static final ThreadLocal<int[]> FDS = new ThreadLocal<>();

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
    }
}
