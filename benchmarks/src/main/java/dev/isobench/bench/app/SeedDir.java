package dev.isobench.bench.app;

import java.nio.file.Path;

/** A workload's seed on the host: what every run starts from, bound read-only at {@link #INSIDE} in a container. */
public record SeedDir(Path host) {
    public static final String INSIDE = "/seed";
    /** Where a container's data directory is: a volume, or a directory of its own layer. */
    public static final String DATA = "/data";
}
