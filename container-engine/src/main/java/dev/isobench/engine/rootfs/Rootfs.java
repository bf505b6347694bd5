package dev.isobench.engine.rootfs;

import dev.isobench.engine.plan.Step;
import java.nio.file.Path;
import java.util.List;

/**
 * A provisioned root filesystem: the directory that becomes '/', the steps that mount it inside the
 * container's mount namespace, and what provisioning cost.
 */
public record Rootfs(Path root, List<Step> mountSteps, long provisionNanos, long bytesWritten) {
    public Rootfs {
        mountSteps = List.copyOf(mountSteps);
    }
}
