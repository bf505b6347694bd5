package dev.isobench.engine.spec;

/**
 * A process's five capability sets as masks, given whole (an OCI process) instead of as Docker's default set
 * plus additions and removals.
 */
public record CapabilitySets(long bounding, long effective, long permitted, long inheritable, long ambient) {}
