package dev.isobench.engine.spec;

/**
 * How a container is networked: {@code none} gives it a new network namespace with only lo up,
 * {@code bridge} adds a veth pair on the engine's bridge with an address of its own, {@code host} shares
 * the host's namespace, {@code container} joins another container's.
 */
public enum NetworkMode {
    NONE,
    HOST,
    BRIDGE,
    CONTAINER;

    /** Whether the container gets a network namespace of its own. */
    public boolean ownNamespace() {
        return this == NONE || this == BRIDGE;
    }
}
