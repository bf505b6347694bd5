package dev.isobench.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Assumptions for tests that need root or a kernel feature: they skip with the reason when unprivileged. */
public final class Privileges {
    private Privileges() {}

    public static void assumeRoot() {
        assumeTrue(Native.isRoot(), "needs root: creates namespaces, mounts and cgroups (CI runs as root)");
    }

    public static void assumeOverlay() {
        assumeRoot();
        try {
            assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("overlay"), "needs overlayfs (modprobe overlay)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
