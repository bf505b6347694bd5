package dev.isobench.engine.launch;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a thread's monitors come from when its caller must be their parent: an OCI runtime's container has to
 * descend from the client (conmon, a containerd shim reaps it), so the resident engine has its C client spawn the
 * monitor and pass its plan and status pipes back. Unset, this process spawns its own.
 */
public final class CallerMonitors {
    /** A monitor someone else spawned: its pid and this process's ends of its plan and status pipes. */
    public record Spawned(int pid, int planFd, int statusFd) {}

    private static final ThreadLocal<Supplier<Spawned>> SOURCE = new ThreadLocal<>();

    private CallerMonitors() {}

    public static void set(Supplier<Spawned> source) {
        SOURCE.set(source);
    }

    public static void clear() {
        SOURCE.remove();
    }

    public static Optional<Supplier<Spawned>> current() {
        return Optional.ofNullable(SOURCE.get());
    }
}
