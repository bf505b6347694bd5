package dev.isobench.engine.rootfs;

import dev.isobench.engine.image.Image;
import dev.isobench.engine.spec.RootfsMode;
import java.nio.file.Path;

/** Makes a container's root filesystem from an image inside the container's directory. */
public interface RootfsProvisioner {
    Rootfs provision(Image image, Path containerDir);

    static RootfsProvisioner of(RootfsMode mode) {
        return of(mode, false);
    }

    /** @param inUserNamespace the rootfs is mounted by root of a user namespace (overlay then reads user.* marks) */
    static RootfsProvisioner of(RootfsMode mode, boolean inUserNamespace) {
        return switch (mode) {
            case OVERLAY -> new OverlayProvisioner(inUserNamespace);
            case COPY -> new CopyProvisioner(false);
            case REFLINK -> new CopyProvisioner(true);
        };
    }
}
