package dev.isobench.engine.rootfs;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.runtime.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A full private copy of the image, with modes, owners, timestamps, hard links, symlinks, device nodes
 * and xattrs kept. Layers are copied bottom-up so upper layers win. The copy is made with {@code cp -a},
 * the reference it is measured against; the rootfs suite's issue replaces it with a parallel copier.
 */
public final class CopyProvisioner implements RootfsProvisioner {
    @Override
    public Rootfs provision(Image image, Path containerDir) {
        long start = System.nanoTime();
        Path root = containerDir.resolve("rootfs");
        try {
            Files.createDirectory(root);
            List<Path> bottomUp = new ArrayList<>(image.layers());
            java.util.Collections.reverse(bottomUp);
            for (Path layer : bottomUp) copy(layer, root);
        } catch (IOException e) {
            throw new EngineException("cannot copy image " + image.name() + " into " + root + ": " + e.getMessage(), e);
        }
        long bytes = du(root);
        return new Rootfs(root, List.of(Mounts.bind(root.toString(), root.toString())), System.nanoTime() - start, bytes);
    }

    private static void copy(Path from, Path to) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", "--no-target-directory", from.toString(), to.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) throw new IOException("cp -a " + from + " failed: " + out.trim());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying " + from);
        }
    }

    /** Bytes of regular-file content the copy wrote (apparent size). */
    static long du(Path root) {
        try (var files = Files.walk(root)) {
            return files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // vanished meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new EngineException("cannot measure " + root + ": " + e.getMessage(), e);
        }
    }
}
