package dev.isobench.bench.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A root file system of the host's own programs for the peers (runc, crun, runsc, Docker): an empty skeleton whose
 * /usr, /etc and real /lib-like directories are the host's, bound read-only, and whose /bin, /lib, ... are the
 * host's symlinks where /usr is merged. So every target runs the very binaries the host runs, as the engine's
 * built-in {@code host} image does.
 */
public final class HostRoot {
    private static final List<String> MOUNT_POINTS = List.of("dev", "proc", "sys", "tmp", "etc", "root", "run", "usr", "var/tmp",
            SeedDir.INSIDE.substring(1), SeedDir.DATA.substring(1));
    private static final List<String> LIB_DIRS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    private final Path dir;
    private final List<String> binds;

    private HostRoot(Path dir, List<String> binds) {
        this.dir = dir;
        this.binds = List.copyOf(binds);
    }

    /** Makes the skeleton in {@code dir} (an empty or missing directory). */
    public static HostRoot make(Path dir) {
        List<String> binds = new ArrayList<>(List.of("/usr", "/etc"));
        try {
            Files.createDirectories(dir);
            for (String d : MOUNT_POINTS) Files.createDirectories(dir.resolve(d));
            for (String d : LIB_DIRS) {
                Path host = Path.of("/", d);
                if (Files.isSymbolicLink(host)) {
                    Files.createSymbolicLink(dir.resolve(d), Files.readSymbolicLink(host));
                } else if (Files.isDirectory(host)) {
                    Files.createDirectories(dir.resolve(d));
                    binds.add("/" + d);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the host root skeleton in " + dir + ": " + e.getMessage(), e);
        }
        return new HostRoot(dir, binds);
    }

    public Path dir() {
        return dir;
    }

    /** The host directories bound read-only at the same paths. */
    public List<String> binds() {
        return binds;
    }
}
