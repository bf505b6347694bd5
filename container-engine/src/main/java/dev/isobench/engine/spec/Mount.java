package dev.isobench.engine.spec;

import java.util.List;

/**
 * A mount as an OCI {@code config.json} lists it: a file system type (or {@code bind}), a source, and mount(8)
 * options ({@code ro}, {@code nosuid}, {@code rbind}, {@code rprivate}, {@code mode=755}, ...), mounted at an
 * absolute destination inside the container.
 */
public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
        options = List.copyOf(options);
        if (!destination.startsWith("/")) throw new IllegalArgumentException("mount destination must be absolute, got '" + destination + "'");
        if (destination.contains("/../") || destination.endsWith("/..")) {
            throw new IllegalArgumentException("mount destination must not contain '..', got '" + destination + "'");
        }
    }

    /** A bind mount: type {@code bind}, or a {@code bind}/{@code rbind} option with any type (runc's rule). */
    public boolean isBind() {
        return type.equals("bind") || options.contains("bind") || options.contains("rbind");
    }
}
