package dev.isobench.engine.rootfs;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.runtime.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copy-on-write: the image layers are overlayfs lower dirs and the container gets a fresh upper dir. The
 * mount itself happens in the container's own mount namespace, so it can never outlive the container.
 * Cost is three mkdirs, whatever the image size.
 */
public final class OverlayProvisioner implements RootfsProvisioner {
    @Override
    public Rootfs provision(Image image, Path containerDir) {
        long start = System.nanoTime();
        Path upper = containerDir.resolve("upper");
        Path work = containerDir.resolve("work");
        Path root = containerDir.resolve("rootfs");
        try {
            Files.createDirectory(upper);
            Files.createDirectory(work);
            Files.createDirectory(root);
        } catch (IOException e) {
            throw new EngineException("cannot prepare overlay dirs in " + containerDir + ": " + e.getMessage(), e);
        }
        String lower = image.layers().stream().map(Path::toString).collect(Collectors.joining(":"));
        String options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
        return new Rootfs(root, List.of(Mounts.mount("overlay", root.toString(), "overlay", 0, options)),
                System.nanoTime() - start, 0);
    }

    /** The container's own changes to its image. */
    public static Path upperDir(Path containerDir) {
        return containerDir.resolve("upper");
    }
}
