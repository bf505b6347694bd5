package dev.isobench.engine.rootfs;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.plan.Mounts;
import java.nio.file.Path;
import java.util.List;

/**
 * The image's directory is the root itself, as runc and crun use a bundle's rootfs: bound onto itself inside
 * the container's mount namespace, since pivot_root needs a mount point. Nothing is written beforehand.
 */
final class InPlaceProvisioner implements RootfsProvisioner {
    @Override
    public Rootfs provision(Image image, Path containerDir) {
        if (image.layers().size() != 1) {
            throw new IllegalArgumentException("an in-place root is one directory; image " + image.name() + " has " + image.layers().size()
                    + " layers (use the overlay or copy rootfs)");
        }
        String root = image.layers().get(0).toString();
        return new Rootfs(image.layers().get(0), List.of(Mounts.bind(root, root)), 0, 0);
    }
}
