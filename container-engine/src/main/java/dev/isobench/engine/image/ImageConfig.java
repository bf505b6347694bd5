package dev.isobench.engine.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What an image says about how to run it (the OCI image config's "config" object, in our names). */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workdir, String user,
                          List<String> exposedPorts, List<String> volumes, Map<String, String> labels) {
    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "", "", List.of(), List.of(), Map.of());

    public ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        exposedPorts = List.copyOf(exposedPorts);
        volumes = List.copyOf(volumes);
        labels = Map.copyOf(labels);
    }

    /** The argv a container runs by default: entrypoint, then cmd. */
    public List<String> command() {
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        return argv;
    }
}
