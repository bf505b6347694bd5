package dev.isobench.engine.sys;

/**
 * One file action of a spawn: the child gets {@code from} as {@code fd} (a dup), or {@code path} opened as {@code fd}.
 * posix_spawn applies them in order between its fork and exec.
 */
public record SpawnAction(int fd, int from, String path, int flags, int mode) {
    public static SpawnAction dup(int from, int fd) {
        return new SpawnAction(fd, from, null, 0, 0);
    }

    public static SpawnAction open(String path, int fd, int flags, int mode) {
        return new SpawnAction(fd, -1, path, flags, mode);
    }

    boolean isDup() {
        return path == null;
    }
}
