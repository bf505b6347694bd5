package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * "Run this workload in this environment": the host, an engine variant, or a peer engine. The workload is
 * always the static probe with its arguments, from the same probe rootfs, so every target runs the same
 * binary.
 */
public interface Target {
    /** host, engine, unshare, bwrap, nspawn, lxc, runc, crun, podman, docker, runsc, vm. */
    String name();

    /** How the target is set up ("" for its default). */
    String variant();

    /** Runs {@code /probe ARGS...} to completion. */
    Execution run(List<String> probeArgs);

    /**
     * Whether a second kernel in user space serves this target's system calls (gVisor): each costs tens of
     * microseconds, so it cannot share the syscall suite's batch slots, sized for the slowest target.
     */
    default boolean userSpaceKernel() {
        return false;
    }

    /**
     * The same target with its container held to {@code cpus} CPUs by its own means (an OCI bundle's
     * cpu quota, {@code docker run --cpus}); empty where the target has none.
     */
    default Optional<Target> cpuLimited(double cpus) {
        return Optional.empty();
    }

    /** The same target with its container held to {@code bytes} of memory (no swap) by its own means; empty where it has none. */
    default Optional<Target> memoryLimited(long bytes) {
        return Optional.empty();
    }

    /** The same target on another root filesystem that holds the probe, read-only; empty where it cannot. */
    default Optional<Target> onRootfs(Path rootfs) {
        return Optional.empty();
    }

    /**
     * Whether this target's startup runs take turns of their own, apart from the others: what it leaves running
     * after a run (a daemon's bookkeeping, a sandbox's teardown, a network namespace's cleanup) slows the next
     * target's start.
     */
    default boolean ownTurns() {
        return false;
    }

    default String label() {
        return variant().isEmpty() ? name() : name() + "/" + variant();
    }
}
