package dev.isobench.engine.spec;

/** How a container's root filesystem is made from its image. */
public enum RootfsMode {
    /** overlayfs: image layers as read-only lower dirs, a fresh upper dir per container. */
    OVERLAY,
    /** A full copy of the image, as {@code cp -a} would make it. */
    COPY,
    /** A copy whose file data shares extents with the image (btrfs, xfs): copy-on-write at block level. */
    REFLINK,
    /** The image's one directory itself, bound onto itself (an OCI bundle's rootfs): nothing copied, nothing layered. */
    IN_PLACE
}
