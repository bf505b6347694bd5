package dev.isobench.engine.rootfs;

import dev.isobench.engine.files.CopyTree;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.image.LayerExtractor;
import dev.isobench.engine.plan.Mounts;
import dev.isobench.engine.sys.EngineException;
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
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A full private copy of the image: the layers merged bottom-up with overlayfs semantics (a whiteout
 * deletes, an opaque directory hides what is below it, an upper entry replaces a lower one of another
 * type). Each layer's bytes are copied by {@code cp -a} (coreutils: copy_file_range, keeps modes, owners,
 * times, hard links, symlinks, devices and xattrs); this class only applies the overlay rules around it.
 */
public final class CopyProvisioner implements RootfsProvisioner {
    /** Keyed by the layer's real path: layers are content-addressed and immutable once in the store. */
    private static final Map<Path, LayerMarks> MARKS = new ConcurrentHashMap<>();

    private final boolean reflink;

    /** @param reflink clone extents instead of copying bytes (cp --reflink=always); refused where unsupported */
    public CopyProvisioner(boolean reflink) {
        this.reflink = reflink;
    }

    @Override
    public Rootfs provision(Image image, Path containerDir) {
        long start = System.nanoTime();
        Path root = containerDir.resolve("rootfs");
        if (reflink) requireReflink(containerDir, image);
        try {
            Files.createDirectory(root);
            List<Path> bottomUp = new ArrayList<>(image.layers());
            Collections.reverse(bottomUp);
            long bytes = 0;
            for (Path layer : bottomUp) bytes += merge(layer.toRealPath(), root, reflink);
            return new Rootfs(root, List.of(Mounts.bind(root.toString(), root.toString())), System.nanoTime() - start, bytes);
        } catch (IOException e) {
            throw new EngineException("cannot copy image " + image.name() + " into " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies one layer over the tree merged so far; returns the bytes of file content it copied. One walk
     * of the layer finds the overlay marks and counts the bytes (once per layer onto an empty tree, see
     * {@link LayerMarks}); {@code cp -a} copies.
     */
    static long merge(Path layer, Path target, boolean reflink) throws IOException {
        List<Path> whiteouts = new ArrayList<>();
        List<Path> opaque = new ArrayList<>();
        long[] bytes = {0};
        // Onto an empty target nothing needs deleting first, so the walk runs while cp copies (2 cores, 2 jobs).
        boolean empty;
        try (var s = Files.list(target)) {
            empty = s.findAny().isEmpty();
        }
        LayerMarks known = empty ? MARKS.get(layer) : null;
        if (known != null) {
            CopyTree.copy(layer, target, reflink);
            return known.applyTo(target);
        }
        CompletableFuture<Void> copy = empty
                ? CompletableFuture.runAsync(() -> CopyTree.copy(layer, target, reflink)) : null;
        try {
            walk(layer, target, empty, whiteouts, opaque, bytes);
        } catch (IOException | RuntimeException e) {
            if (copy != null) copy.exceptionally(x -> null).join(); // never leave cp writing into a dir about to be removed
            throw e;
        }
        if (copy == null) {
            CopyTree.copy(layer, target, reflink);
        } else {
            try {
                copy.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        }
        if (empty) MARKS.put(layer, LayerMarks.of(target, whiteouts, opaque, bytes[0]));
        for (Path w : whiteouts) Files.deleteIfExists(w);
        for (Path o : opaque) clearOpaque(o);
        return bytes[0];
    }

    private static void clearOpaque(Path dir) {
        if (Native.getXattr(dir.toString(), LayerExtractor.OPAQUE_XATTR) != null) Native.removeXattr(dir.toString(), LayerExtractor.OPAQUE_XATTR);
    }

    /**
     * What one walk of a layer found: its whiteouts and opaque directories (relative paths) and its bytes. A
     * layer in the store never changes, so a process walks each one once (the first copy of it); later copies
     * onto an empty rootfs are cp alone, as a docker pull computes a layer's facts once.
     */
    private record LayerMarks(List<String> whiteouts, List<String> opaque, long bytes) {
        /** From a walk whose paths are under {@code root}. */
        static LayerMarks of(Path root, List<Path> whiteouts, List<Path> opaque, long bytes) {
            return new LayerMarks(whiteouts.stream().map(p -> root.relativize(p).toString()).toList(),
                    opaque.stream().map(p -> root.relativize(p).toString()).toList(), bytes);
        }

        long applyTo(Path target) throws IOException {
            for (String w : whiteouts) Files.deleteIfExists(target.resolve(w));
            for (String o : opaque) clearOpaque(target.resolve(o));
            return bytes;
        }
    }

    /**
     * Walks a layer ahead of its first copy, as a pull computes a layer's facts: every copy of it is then
     * {@code cp -a} alone. For a layer that is not in the store (a host tree read in place), which the rootfs
     * suite times against {@code cp -a} and would otherwise charge this walk to the first copy.
     */
    public static void learn(Path layer) {
        try {
            Path real = layer.toRealPath();
            if (MARKS.containsKey(real)) return;
            List<Path> whiteouts = new ArrayList<>();
            List<Path> opaque = new ArrayList<>();
            long[] bytes = {0};
            walk(real, real, true, whiteouts, opaque, bytes);
            MARKS.put(real, LayerMarks.of(real, whiteouts, opaque, bytes[0]));
        } catch (IOException e) {
            throw new EngineException("cannot walk layer " + layer + ": " + e.getMessage(), e);
        }
    }

    /** Finds the layer's overlay marks and bytes; onto a non-empty target, clears what the layer replaces. */
    private static void walk(Path layer, Path target, boolean empty, List<Path> whiteouts, List<Path> opaque, long[] bytes)
            throws IOException {
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path t = target.resolve(layer.relativize(dir).toString());
                if (Native.getXattr(dir.toString(), LayerExtractor.OPAQUE_XATTR) != null) {
                    opaque.add(t);
                    if (!empty) SafeDelete.tree(t);
                } else if (!empty && Files.exists(t, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
                    SafeDelete.tree(t);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) bytes[0] += attrs.size();
                Path t = target.resolve(layer.relativize(file).toString());
                if (isWhiteout(file, attrs)) whiteouts.add(t);
                if (empty || (!attrs.isOther() && !Files.exists(t, LinkOption.NOFOLLOW_LINKS))) return FileVisitResult.CONTINUE;
                if (isWhiteout(file, attrs) || Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) SafeDelete.tree(t);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether containers under this directory can get reflink copies. */
    public static boolean reflinkSupported(Path dir) {
        try {
            return CopyTree.CLONING_FILESYSTEMS.contains(Files.getFileStore(dir).type());
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireReflink(Path containerDir, Image image) {
        try {
            String fs = Files.getFileStore(containerDir).type();
            String imageFs = Files.getFileStore(image.layers().get(0).toRealPath()).type();
            if (!CopyTree.CLONING_FILESYSTEMS.contains(fs) || !fs.equals(imageFs)) {
                throw new EngineException("--rootfs reflink needs the engine root on a filesystem that clones extents ("
                        + String.join(", ", new TreeSet<>(CopyTree.CLONING_FILESYSTEMS)) + "), with image and containers on the same one;"
                        + " here it is " + fs + ": use --rootfs copy or overlay, or --root on such a filesystem");
            }
        } catch (IOException e) {
            throw new EngineException("cannot tell the filesystem of " + containerDir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isWhiteout(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isOther()) return false;
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long rdev = (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0020000 && rdev == 0;
    }

}
