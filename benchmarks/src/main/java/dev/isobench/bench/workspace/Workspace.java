package dev.isobench.bench.workspace;

import dev.isobench.engine.Engine;
import dev.isobench.engine.files.CopyTree;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch space for one benchmark run under the engine root: a real (not symlinked: runc refuses that)
 * copy of the probe rootfs that every peer runs, bundles, and output files. Removed on close.
 */
public final class Workspace implements AutoCloseable {
    /** The file in a workspace that names its runner: gc collects the workspace of a runner that is gone. */
    public static final String OWNER = "owner";
    private final Path dir;
    private final Path probeRootfs;

    /** This JVM as a runner: "pid-starttime", the suffix of its directories. */
    public static String runner() {
        return ProcessInfo.self().tag();
    }

    public Workspace(Engine engine) {
        try {
            this.dir = Files.createTempDirectory(Files.createDirectories(engine.root().resolve("bench")), "run-");
            Files.writeString(dir.resolve(OWNER), runner() + "\n"); // a killed run's is collected by gc (targets.Leftovers)
            this.probeRootfs = dir.resolve("probe-rootfs");
            Path layer = engine.images().builtins().probe().layers().get(0);
            CopyTree.copy(layer, probeRootfs, false);
            // The unshare + chroot floor gets no /dev of its own: the nodes the syscall loop reads and writes.
            // (runc, crun and bwrap mount their own /dev over these.)
            Native.mknod(probeRootfs.resolve("dev/null").toString(), 0020666, 1, 3);
            Native.mknod(probeRootfs.resolve("dev/zero").toString(), 0020666, 1, 5);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a benchmark workspace under " + engine.root() + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path probeRootfs() {
        return probeRootfs;
    }

    public Path scratch() {
        return dir.resolve("scratch");
    }

    @Override
    public void close() {
        SafeDelete.tree(dir);
    }
}
