package dev.isobench.engine.oci;

import java.util.List;

/** One OCI hook: an absolute program path, its argv (argv[0] included) and env, and a timeout in seconds (0: none). */
public record Hook(String path, List<String> args, List<String> env, int timeoutSeconds) {
    public Hook {
        args = List.copyOf(args);
        env = List.copyOf(env);
        if (!path.startsWith("/")) throw new IllegalArgumentException("a hook path must be absolute, got '" + path + "'");
        if (timeoutSeconds < 0) throw new IllegalArgumentException("a hook timeout must be above 0 seconds, got " + timeoutSeconds);
    }
}
