package dev.isobench.engine.sys;

import dev.isobench.engine.EngineException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code cp -a} of a tree onto a target (merging into it when it exists): coreutils keeps modes, owners,
 * times, hard links, symlinks, devices and xattrs and uses copy_file_range, which no Java API matches.
 */
public final class CopyTree {
    private CopyTree() {}

    public static void copy(Path from, Path to, boolean reflink) {
        try {
            Process cp = new ProcessBuilder("cp", "-a", reflink ? "--reflink=always" : "--reflink=never", "--no-target-directory",
                    from.toString(), to.toString()).redirectErrorStream(true).start();
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
