package dev.isobench.engine.image;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a tar entry name into a path inside a layer directory, refusing every way out of it: absolute
 * names, {@code ..} components, and writing through a symlink that an earlier entry created.
 */
final class LayerEntryPath {
    private LayerEntryPath() {}

    /** The entry's path components, or an error that names the entry. An empty list is the layer root. */
    static List<String> components(String layer, String name) {
        if (name.startsWith("/")) throw escape(layer, name, "is an absolute path");
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) throw escape(layer, name, "contains '..'");
            parts.add(p);
        }
        return parts;
    }

    /**
     * Resolves components under root, making missing parent directories, and fails if any parent is a
     * symlink or not a directory: a later write must never land outside the layer.
     */
    static Path resolve(String layer, String name, Path root, List<String> parts) throws IOException {
        Path p = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            p = p.resolve(parts.get(i));
            if (Files.isSymbolicLink(p)) throw escape(layer, name, "would be written through the symlink '" + root.relativize(p) + "'");
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(p);
            else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) throw escape(layer, name, "has a parent that is not a directory");
        }
        return parts.isEmpty() ? root : p.resolve(parts.get(parts.size() - 1));
    }

    private static EngineException escape(String layer, String name, String why) {
        return new EngineException("layer " + layer + ": entry '" + name + "' " + why + "; refusing to import an archive that"
                + " could write outside its rootfs");
    }
}
