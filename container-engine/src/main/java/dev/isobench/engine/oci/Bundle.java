package dev.isobench.engine.oci;

import dev.isobench.engine.spec.ContainerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An OCI bundle read for the engine: the container spec its config.json makes, the hooks that run in the
 * runtime's namespace, what {@code state} reports back (ociVersion, annotations), and warnings for the log (an
 * unknown capability, skipped as runc does).
 */
public record Bundle(Path dir, String ociVersion, ContainerSpec spec, Hooks hooks, Map<String, String> annotations, List<String> warnings) {
    public Bundle {
        annotations = Map.copyOf(annotations);
        warnings = List.copyOf(warnings);
    }
}
