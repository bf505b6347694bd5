package dev.isobench.engine.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a root directory as the container will see it: symlinks in the rootfs are followed
 * with the root as '/', so neither an absolute link nor a ".." climbs out (what runc's securejoin does for
 * mount destinations). Components that do not exist yet are taken as they are.
 */
public final class InsideRoot {
    private static final int MAX_LINKS = 40; // the kernel's own limit

    private InsideRoot() {}

    public static Path resolve(Path root, String path) {
        Deque<String> todo = new ArrayDeque<>(parts(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals(".")) continue;
            if (part.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path here = join(root, done).resolve(part);
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_LINKS) throw new IllegalArgumentException(path + ": too many levels of symbolic links inside " + root);
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the link " + here + ": " + e.getMessage(), e);
                }
                if (target.startsWith("/")) done.clear();
                List<String> more = parts(target);
                for (int i = more.size() - 1; i >= 0; i--) todo.addFirst(more.get(i));
                continue;
            }
            done.add(part);
        }
        return join(root, done);
    }

    private static List<String> parts(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) parts.add(p);
        }
        return parts;
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) p = p.resolve(s);
        return p;
    }
}
