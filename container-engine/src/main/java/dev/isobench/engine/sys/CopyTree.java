package dev.isobench.engine.sys;

import dev.isobench.engine.EngineException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code cp -a} of a tree onto a target (merging into it when it exists): coreutils keeps modes, owners,
 * times, hard links, symlinks, devices and xattrs and uses copy_file_range, which no Java API matches.
 */
public final class CopyTree {
    /** Filesystems whose files can share extents (FICLONE). */
    public static final java.util.Set<String> CLONING_FILESYSTEMS = java.util.Set.of("btrfs", "xfs", "bcachefs", "ocfs2");

    private CopyTree() {}

    /**
     * With {@code reflink}, extents are cloned (or the copy fails). Without, bytes are copied: cp's default
     * there, which uses copy_file_range; only where that could clone is --reflink=never given, since it
     * also turns copy_file_range off and costs time.
     */
    public static void copy(Path from, Path to, boolean reflink) {
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("cp", "-a"));
            if (reflink) cmd.add("--reflink=always");
            else if (CLONING_FILESYSTEMS.contains(java.nio.file.Files.getFileStore(from).type())) cmd.add("--reflink=never");
            cmd.addAll(java.util.List.of("--no-target-directory", from.toString(), to.toString()));
            Process cp = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(cp.getInputStream().readAllBytes());
            if (cp.waitFor() != 0) throw new EngineException("cp -a " + from + " " + to + " failed: " + out.trim());
        } catch (IOException e) {
            throw new EngineException("cannot run cp -a " + from + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while copying " + from, e);
        }
    }
}
