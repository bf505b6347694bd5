package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.files.CopyTree;
import dev.isobench.engine.files.SafeDelete;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd-nspawn on a copy of the probe rootfs: not registered with machined, no network of its own
 * ({@code --private-network}: a new net namespace with only lo), the unit kept (no systemd is asked for a scope).
 * nspawn refuses a directory without an OS tree, so the copy gets an empty /usr and /etc/os-release.
 */
final class NspawnTarget implements Target, AutoCloseable {
    private final Path rootfs;
    private final String machine;
    private final Path scratch;

    NspawnTarget(Path probeRootfs, Path dir, Path scratch) {
        this.rootfs = dir.resolve("nspawn-rootfs");
        this.machine = "isobench-" + ProcessHandle.current().pid();
        this.scratch = scratch;
        try {
            CopyTree.copy(probeRootfs, rootfs, false);
            Files.createDirectories(rootfs.resolve("usr"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(rootfs.resolve("etc/os-release"), "ID=isobench-probe\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare a rootfs for systemd-nspawn in " + rootfs + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "nspawn";
    }

    @Override
    public boolean ownTurns() {
        return true;
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public Execution run(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(List.of("systemd-nspawn", "--quiet", "--register=no", "--keep-unit", "--private-network",
                "--machine=" + machine, "--directory=" + rootfs, "/probe"));
        cmd.addAll(probeArgs);
        return Processes.run(cmd, scratch);
    }

    /**
     * nspawn keeps a directory per machine under /run/systemd/nspawn/propagate; where /run is not a tmpfs (here)
     * it refuses to remove it itself ("a disk file system"). It is named after this machine: removed here.
     */
    @Override
    public void close() {
        SafeDelete.tree(Path.of("/run/systemd/nspawn/propagate", machine));
    }
}
