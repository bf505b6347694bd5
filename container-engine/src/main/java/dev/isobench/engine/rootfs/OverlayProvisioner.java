package dev.isobench.engine.rootfs;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.plan.Mounts;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copy-on-write: the image layers are overlayfs lower dirs and the container gets a fresh upper dir. The
 * mount itself happens in the container's own mount namespace, so it can never outlive the container.
 * Cost is two mkdirs, whatever the image size.
 *
 * <p>The last unmount of an overlay syncs its whole upper filesystem (the host's disk, with every other
 * writer's dirty data) and flushes the device, on every container's exit (the startup suite's durable variant). A container
 * removed when it exits has nothing to keep, so it is mounted {@code volatile} (Linux 5.10+), which skips it.
 */
public final class OverlayProvisioner implements RootfsProvisioner {
    /** The kernel copies mount options into one page; keep clear of its end. */
    static final int MAX_OPTIONS = 4000;

    private final boolean userxattr;
    private final boolean skipSync;

    public OverlayProvisioner() {
        this(false, false);
    }

    /**
     * @param userxattr mounted inside a user namespace, where trusted.* xattrs are out of reach
     * @param skipSync  mount {@code volatile}: fsync and syncfs inside, and the final unmount, do not sync
     */
    public OverlayProvisioner(boolean userxattr, boolean skipSync) {
        this.userxattr = userxattr;
        this.skipSync = skipSync;
    }

    /** Overlay's {@code volatile} option exists from Linux 5.10 on. */
    public static boolean volatileSupported() {
        return kernelAtLeast(System.getProperty("os.version"), 5, 10);
    }

    /** @param release a kernel release as uname prints it, e.g. "6.1.0-18-amd64" */
    static boolean kernelAtLeast(String release, int major, int minor) {
        int dot = release.indexOf('.');
        int end = dot + 1;
        while (end < release.length() && Character.isDigit(release.charAt(end))) end++;
        try {
            int ma = Integer.parseInt(release.substring(0, Math.max(dot, 0)));
            int mi = Integer.parseInt(release.substring(dot + 1, end));
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public Rootfs provision(Image image, Path containerDir) {
        long start = System.nanoTime();
        Path upper = containerDir.resolve("upper");
        Path work = containerDir.resolve("work");
        Path root = mountPoint(containerDir);
        try {
            Files.createDirectory(upper);
            Files.createDirectory(work);
            if (!Files.isDirectory(root)) Files.createDirectories(root);
        } catch (IOException e) {
            throw new EngineException("cannot prepare overlay dirs in " + containerDir + ": " + e.getMessage(), e);
        }
        return new Rootfs(root, mountSteps(image.layers(), upper, work, root, options()), System.nanoTime() - start, 0);
    }

    /**
     * Mount options must fit in one page. When absolute lower dirs do not, and they share a parent (the
     * store's short links), the stage changes into that parent and names them relatively, as docker does.
     */
    static List<Step> mountSteps(List<Path> layers, Path upper, Path work, Path root) {
        return mountSteps(layers, upper, work, root, "");
    }

    /** Options after upperdir and workdir, each with its leading comma. */
    String options() {
        return (userxattr ? ",userxattr" : "") + (skipSync ? ",volatile" : "");
    }

    static List<Step> mountSteps(List<Path> layers, Path upper, Path work, Path root, String options) {
        String tail = ",upperdir=" + upper + ",workdir=" + work + options;
        String absolute = "lowerdir=" + layers.stream().map(Path::toString).collect(Collectors.joining(":")) + tail;
        if (absolute.length() <= MAX_OPTIONS) return List.of(Mounts.mount("overlay", root.toString(), "overlay", 0, absolute));
        Path parent = layers.get(0).getParent();
        String relative = "lowerdir=" + layers.stream().map(l -> l.getFileName().toString()).collect(Collectors.joining(":")) + tail;
        if (layers.stream().anyMatch(l -> !l.getParent().equals(parent)) || relative.length() > MAX_OPTIONS) {
            throw new EngineException("image has " + layers.size() + " layers, more than one overlay mount can stack here;"
                    + " squash it or use --rootfs copy");
        }
        return List.of(Step.of(Op.CHDIR, parent.toString()), Mounts.mount("overlay", root.toString(), "overlay", 0, relative));
    }

    /**
     * Where every container's overlay is mounted: each mount lives in its own container's mount namespace, so
     * one empty directory serves them all. A directory per container cost a mkdir and an rmdir each time, and
     * an rmdir on a filesystem mounted with {@code discard} waits for the device.
     */
    public static Path mountPoint(Path containerDir) {
        return containerDir.getParent().resolveSibling("overlay-mount");
    }

    /** The container's own changes to its image. */
    public static Path upperDir(Path containerDir) {
        return containerDir.resolve("upper");
    }
}
