package dev.isobench.engine.spec;

import java.util.List;
import java.util.Optional;

/**
 * What the container sees besides its root: the mount table, the paths masked and made read-only, and device
 * nodes. An empty {@code mounts} means the engine's own layout (Docker's: proc, a tmpfs /dev with the usual
 * nodes, sysfs, the image's binds and the volumes); an OCI bundle gives its table whole. {@code noPivot}: the root is
 * moved over '/' and entered with chroot instead of pivot_root ({@code runc --no-pivot}, for a root on a ramfs).
 * {@code rootPropagation}: mount flags applied to the container's '/' once it is the root (OCI's
 * {@code rootfsPropagation}, as runc applies it last); 0 leaves it private, as every mount of the container starts.
 */
public record Filesystem(Optional<List<Mount>> mounts, Optional<List<String>> maskedPaths, Optional<List<String>> readonlyPaths,
                         List<Device> devices, boolean noPivot, long rootPropagation) {
    public static final Filesystem DEFAULT = new Filesystem(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false, 0);

    public Filesystem {
        mounts = mounts.map(List::copyOf);
        maskedPaths = maskedPaths.map(List::copyOf);
        readonlyPaths = readonlyPaths.map(List::copyOf);
        devices = List.copyOf(devices);
    }
}
