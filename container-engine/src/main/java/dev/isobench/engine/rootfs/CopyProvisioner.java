package dev.isobench.engine.rootfs;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.image.LayerExtractor;
import dev.isobench.engine.runtime.Mounts;
import dev.isobench.engine.runtime.SafeDelete;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A full private copy of the image: the layers merged bottom-up with overlayfs semantics (a whiteout
 * deletes, an opaque directory hides what is below it, an upper entry replaces a lower one of another
 * type). Each layer's bytes are copied by {@code cp -a} (coreutils: copy_file_range, keeps modes, owners,
 * times, hard links, symlinks, devices and xattrs); this class only applies the overlay rules around it.
 */
public final class CopyProvisioner implements RootfsProvisioner {
    @Override
    public Rootfs provision(Image image, Path containerDir) {
        long start = System.nanoTime();
        Path root = containerDir.resolve("rootfs");
        try {
            Files.createDirectory(root);
            List<Path> bottomUp = new ArrayList<>(image.layers());
            Collections.reverse(bottomUp);
            for (Path layer : bottomUp) merge(layer.toRealPath(), root);
        } catch (IOException e) {
            throw new EngineException("cannot copy image " + image.name() + " into " + root + ": " + e.getMessage(), e);
        }
        long bytes = du(root);
        return new Rootfs(root, List.of(Mounts.bind(root.toString(), root.toString())), System.nanoTime() - start, bytes);
    }

    /** Copies one layer over the tree merged so far. */
    static void merge(Path layer, Path target) throws IOException {
        List<Path> whiteouts = new ArrayList<>();
        List<Path> opaque = new ArrayList<>();
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path t = target.resolve(layer.relativize(dir).toString());
                if (Native.getXattr(dir.toString(), LayerExtractor.OPAQUE_XATTR) != null) {
                    opaque.add(t);
                    SafeDelete.tree(t);
                } else if (Files.exists(t, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
                    SafeDelete.tree(t);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path t = target.resolve(layer.relativize(file).toString());
                if (isWhiteout(file, attrs)) whiteouts.add(t);
                if (isWhiteout(file, attrs) || Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) SafeDelete.tree(t);
                return FileVisitResult.CONTINUE;
            }
        });
        Process cp = new ProcessBuilder("cp", "-a", "--no-target-directory", layer.toString(), target.toString())
                .redirectErrorStream(true).start();
        String out = new String(cp.getInputStream().readAllBytes());
        try {
            if (cp.waitFor() != 0) throw new IOException("cp -a " + layer + " failed: " + out.trim());
        } catch (InterruptedException e) {
            cp.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying " + layer);
        }
        for (Path w : whiteouts) Files.deleteIfExists(w);
        for (Path o : opaque) {
            if (Native.getXattr(o.toString(), LayerExtractor.OPAQUE_XATTR) != null) Native.removeXattr(o.toString(), LayerExtractor.OPAQUE_XATTR);
        }
    }

    private static boolean isWhiteout(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isOther()) return false;
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long rdev = (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0020000 && rdev == 0;
    }

    /** Bytes of regular-file content the copy wrote (apparent size). */
    static long du(Path root) {
        try (var files = Files.walk(root)) {
            return files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new EngineException("cannot measure " + root + ": " + e.getMessage(), e);
        }
    }
}
