package dev.isobench.engine.files;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.SpawnedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cp -a} of a tree onto a target (merging into it when it exists): coreutils keeps modes, owners,
 * times, hard links, symlinks, devices and xattrs and uses copy_file_range, which no Java API matches.
 */
public final class CopyTree {
    /** Filesystems whose files can share extents (FICLONE). */
    public static final Set<String> CLONING_FILESYSTEMS = Set.of("btrfs", "xfs", "bcachefs", "ocfs2");

    private CopyTree() {}

    /**
     * With {@code reflink}, extents are cloned (or the copy fails). Without, bytes are copied: cp's default
     * there, which uses copy_file_range; only where that could clone is --reflink=never given, since it
     * also turns copy_file_range off and costs time.
     *
     * <p>cp is started as the rootfs suite starts its {@code cp -a} reference ({@link SpawnedRun}), not through
     * ProcessBuilder, which adds milliseconds to each process. It has no deadline (copying a host's /usr takes
     * minutes); an interrupt kills it, so no copy goes on writing after its caller gave up.
     */
    public static void copy(Path from, Path to, boolean reflink) {
        List<String> cmd = new ArrayList<>(List.of("cp", "-a"));
        try {
            if (reflink) cmd.add("--reflink=always");
            else if (CLONING_FILESYSTEMS.contains(Files.getFileStore(from).type())) cmd.add("--reflink=never");
        } catch (IOException e) {
            throw new EngineException("cannot tell the filesystem of " + from + ": " + e.getMessage(), e);
        }
        cmd.addAll(List.of("--no-target-directory", from.toString(), to.toString()));
        SpawnedRun.Result cp = SpawnedRun.run(cmd, Path.of(System.getProperty("java.io.tmpdir")), SpawnedRun.NO_DEADLINE);
        if (cp.exitCode() != 0) throw new EngineException("cp -a " + from + " " + to + " failed: " + (cp.stderr() + cp.stdout()).trim());
    }
}
