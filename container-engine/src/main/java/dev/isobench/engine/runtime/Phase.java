package dev.isobench.engine.runtime;

/** Lifecycle moments, each stamped with System.nanoTime() (monotonic) when it is reached. */
public enum Phase {
    CREATE_BEGIN, ROOTFS_READY, CGROUP_READY, SPAWNED, CLONED, READY, NETWORK_READY, STARTED, EXITED, DELETED
}
