package dev.isobench.engine.spec;

/** How a container is networked: {@code none} gives it a new network namespace with only lo up. */
public enum NetworkMode {
    NONE,
    HOST
}
