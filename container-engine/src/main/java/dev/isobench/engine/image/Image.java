package dev.isobench.engine.image;

import dev.isobench.engine.spec.MountSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * An image ready to run: its layer directories (topmost first, as overlayfs lists lowerdirs), host paths
 * it binds in, and its default environment and command.
 */
public record Image(String name, List<Path> layers, List<MountSpec> binds, List<String> env, List<String> command) {
    public Image {
        layers = List.copyOf(layers);
        binds = List.copyOf(binds);
        env = List.copyOf(env);
        command = List.copyOf(command);
        if (layers.isEmpty()) throw new IllegalArgumentException("image " + name + " has no layers");
    }
}
