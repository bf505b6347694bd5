package dev.isobench.engine.sys;

import dev.isobench.engine.EngineException;
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
    private static final List<String> ENVIRONMENT = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    /** How often a wait for cp looks for an interrupt (Ctrl-C in the runner). */
    private static final int POLL_MILLIS = 100;

    private CopyTree() {}

    /**
     * With {@code reflink}, extents are cloned (or the copy fails). Without, bytes are copied: cp's default
     * there, which uses copy_file_range; only where that could clone is --reflink=never given, since it
     * also turns copy_file_range off and costs time.
     *
     * <p>cp is started with posix_spawn, as the rootfs suite starts its {@code cp -a} reference: the JDK's
     * ProcessBuilder (a helper exec and a reaper thread) added 3.3 ms to each process here.
     */
    public static void copy(Path from, Path to, boolean reflink) {
        Path output = null;
        try {
            List<String> cmd = new ArrayList<>(List.of("cp", "-a"));
            if (reflink) cmd.add("--reflink=always");
            else if (CLONING_FILESYSTEMS.contains(Files.getFileStore(from).type())) cmd.add("--reflink=never");
            cmd.addAll(List.of("--no-target-directory", from.toString(), to.toString()));
            output = Files.createTempFile("isobench-cp-", ".out");
            int pid = Native.spawn("cp", cmd, List.of(SpawnAction.open("/dev/null", 0, LibC.O_RDONLY, 0),
                    SpawnAction.open(output.toString(), 1, LibC.O_WRONLY | LibC.O_TRUNC, 0), SpawnAction.dup(1, 2), SpawnAction.closeFrom(3)),
                    ENVIRONMENT);
            awaitExit(pid, from);
            if (Native.exitCode(Native.waitpid(pid)) != 0) {
                throw new EngineException("cp -a " + from + " " + to + " failed: " + Files.readString(output).trim());
            }
        } catch (IOException e) {
            throw new EngineException("cannot run cp -a " + from + ": " + e.getMessage(), e);
        } finally {
            if (output != null) output.toFile().delete();
        }
    }

    /** Waits for cp; an interrupt kills it, so that no copy goes on writing after its caller gave up. */
    private static void awaitExit(int pid, Path from) {
        while (!Native.awaitExit(pid, POLL_MILLIS)) {
            if (Thread.currentThread().isInterrupted()) {
                Native.kill(pid, 9);
                Native.waitpid(pid);
                throw new EngineException("interrupted while copying " + from);
            }
        }
    }
}
