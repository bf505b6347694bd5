package dev.isobench.engine.spec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A volume: a host path bound at {@code target}, or (no host path) an anonymous directory that lives and
 * dies with the container.
 */
public record Volume(Optional<Path> hostPath, String target, boolean readOnly) {
    public Volume {
        if (!target.startsWith("/") || target.equals("/")) throw new IllegalArgumentException("-v target must be an absolute path other than /, got '" + target + "'");
        if (target.contains("/../") || target.endsWith("/..")) throw new IllegalArgumentException("-v target must not contain '..', got '" + target + "'");
    }

    /** Parses docker's {@code -v HOST:CTR[:ro|rw]} and {@code -v CTR}. */
    public static Volume parse(String text) {
        String[] p = text.split(":");
        if (p.length == 1) return new Volume(Optional.empty(), p[0], false);
        if (p.length > 3 || (p.length == 3 && !p[2].equals("ro") && !p[2].equals("rw"))) {
            throw new IllegalArgumentException("-v takes HOST:CONTAINER[:ro|rw] or CONTAINER, got '" + text + "'");
        }
        if (!p[0].startsWith("/")) throw new IllegalArgumentException("-v host path must be absolute (named volumes are not supported), got '" + p[0] + "'");
        return new Volume(Optional.of(Path.of(p[0])), p[1], p.length == 3 && p[2].equals("ro"));
    }
}
