package dev.isobench.engine.spec;

import java.nio.file.Path;

/** A host path bind-mounted into the container at an absolute target path. */
public record MountSpec(Path source, String target, boolean readOnly) {
    public MountSpec {
        if (!target.startsWith("/")) throw new IllegalArgumentException("mount target must be absolute: " + target);
    }
}
