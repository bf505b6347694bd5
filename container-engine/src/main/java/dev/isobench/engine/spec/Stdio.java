package dev.isobench.engine.spec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the container's fds 0-2 go. An empty path means "inherit the caller's"; stdin is /dev/null unless
 * {@code inheritStdin}.
 */
public record Stdio(boolean inheritStdin, Optional<Path> stdout, Optional<Path> stderr) {
    public static final Stdio INHERIT = new Stdio(false, Optional.empty(), Optional.empty());

    public static Stdio toFiles(Path stdout, Path stderr) {
        return new Stdio(false, Optional.of(stdout), Optional.of(stderr));
    }

    public Stdio withStdin() {
        return new Stdio(true, stdout, stderr);
    }
}
