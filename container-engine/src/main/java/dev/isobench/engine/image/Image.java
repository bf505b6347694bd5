package dev.isobench.engine.image;

import dev.isobench.engine.spec.MountSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * An image ready to run: its layer directories (topmost first, as overlayfs lists lowerdirs), host paths
 * it binds in, and its default environment, command, working directory and user (empty: none).
 *
 * @param id a stable id: the store's sha256 id, or the built-in layer's versioned name
 */
public record Image(String name, String id, List<Path> layers, List<MountSpec> binds, List<String> env, List<String> command,
                    String workdir, String user) {
    public Image {
        layers = List.copyOf(layers);
        binds = List.copyOf(binds);
        env = List.copyOf(env);
        command = List.copyOf(command);
        if (layers.isEmpty()) throw new IllegalArgumentException("image " + name + " has no layers");
    }
}
