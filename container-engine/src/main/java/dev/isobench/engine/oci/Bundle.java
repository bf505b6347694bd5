package dev.isobench.engine.oci;

import dev.isobench.engine.spec.ContainerSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * An OCI bundle read for the engine: the container spec its config.json makes, the hooks that run in the
 * runtime's namespace, and what {@code state} reports back (ociVersion, annotations).
 */
public record Bundle(Path dir, String ociVersion, ContainerSpec spec, Hooks hooks, Map<String, String> annotations) {
    public Bundle {
        annotations = Map.copyOf(annotations);
    }
}
