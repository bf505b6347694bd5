package dev.isobench.engine.image;

import dev.isobench.engine.files.CopyTree;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Image layers with every owner moved into a user namespace's host range (a chown-ed copy, what docker's
 * userns-remap does), so files owned by root in the image are owned by root inside the container and by
 * an unprivileged id outside. Made once per layer and map under {@code <root>/images/shifted/BASE-SIZE/},
 * renamed into place complete. Idmapped mounts would avoid the copy, but they must be made outside the
 * container's user namespace and attached into its mount namespace, which this engine's one-clone design
 * does not do yet; the copy is the method used and is reported as {@code chown-copy}.
 */
public final class ShiftedLayers {
    public static final String METHOD = "chown-copy";
    /** Overlay mounted inside a user namespace reads its marks from user.* xattrs (mount option userxattr). */
    static final String USER_OPAQUE_XATTR = "user.overlay.opaque";

    private final Path dir;

    public ShiftedLayers(Path root) {
        this.dir = root.resolve("images").resolve("shifted");
    }

    /** The image with shifted layers; its host binds (the {@code host} image) stay, owned by nobody inside. */
    public Image shift(Image image, IdMap map) {
        List<Path> layers = new ArrayList<>();
        for (Path layer : image.layers()) layers.add(shiftLayer(layer, map));
        return new Image(image.name(), image.id(), layers, image.binds(), image.env(), image.command(), image.workdir(), image.user());
    }

    private Path shiftLayer(Path layer, IdMap map) {
        try {
            Path real = layer.toRealPath();
            String name = BuiltinImages.copyName(real);
            Path target = dir.resolve(map.toString().replaceAll("[^0-9a-z]+", "-")).resolve(name);
            if (Files.isDirectory(target)) return target;
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(".tmp-" + name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try {
                CopyTree.copy(real, tmp, false);
                chownTree(tmp, map, real);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                SafeDelete.tree(tmp);
                if (Files.isDirectory(target)) return target; // another process made the same copy first
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new EngineException("cannot make the user-namespace copy of layer " + layer + ": " + e.getMessage(), e);
        }
    }

    /** lchown of every entry; chown clears set-id bits, so the mode is put back after it. */
    static void chownTree(Path tree, IdMap map, Path source) throws IOException {
        Set<Object> done = new HashSet<>(); // hard links: one inode, shifted once
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                shift(d);
                if (Native.getXattr(d.toString(), LayerExtractor.OPAQUE_XATTR) != null) {
                    Native.setXattr(d.toString(), USER_OPAQUE_XATTR, "y".getBytes());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                shift(f);
                return FileVisitResult.CONTINUE;
            }

            private void shift(Path p) throws IOException {
                if ((Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1
                        && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && !done.add(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS))) return;
                int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                long hostUid = map.toHostUid(uid), hostGid = map.toHostGid(gid);
                if (hostUid < 0 || hostGid < 0) {
                    throw new EngineException("layer " + source + " has " + tree.relativize(p) + " owned by " + uid + ":" + gid
                            + ", outside the user namespace's map (" + map + "); give --userns-map a larger SIZE");
                }
                Native.lchown(p.toString(), (int) hostUid, (int) hostGid);
                if ((mode & 06000) != 0 && !Files.isSymbolicLink(p)) Native.chmod(p.toString(), mode & 07777);
            }
        });
    }

    /** Hands a path the engine made to root inside the user namespace. */
    public static void chownToRoot(Path p, IdMap map) {
        try {
            Native.lchown(p.toString(), (int) map.toHostUid(0), (int) map.toHostGid(0));
        } catch (EngineException e) {
            throw new EngineException("cannot hand " + p + " to the user namespace's root (" + map.toHostUid(0) + "): " + e.getMessage(), e);
        }
    }
}
