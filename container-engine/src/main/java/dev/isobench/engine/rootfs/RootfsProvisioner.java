package dev.isobench.engine.rootfs;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.spec.RootfsMode;
import java.nio.file.Path;

/** Makes a container's root filesystem from an image inside the container's directory. */
public interface RootfsProvisioner {
    Rootfs provision(Image image, Path containerDir);

    static RootfsProvisioner of(RootfsMode mode) {
        return of(mode, false, false);
    }

    /**
     * @param inUserNamespace the rootfs is mounted by root of a user namespace (overlay then reads user.* marks)
     * @param ephemeral       the container is removed when it exits: an overlay need not be synced at teardown
     */
    static RootfsProvisioner of(RootfsMode mode, boolean inUserNamespace, boolean ephemeral) {
        return switch (mode) {
            case OVERLAY -> new OverlayProvisioner(inUserNamespace, ephemeral && OverlayProvisioner.volatileSupported());
            case COPY -> new CopyProvisioner(false);
            case REFLINK -> new CopyProvisioner(true);
            case IN_PLACE -> new InPlaceProvisioner();
        };
    }
}
