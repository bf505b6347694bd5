package dev.isobench.engine.sys;

/** One file action of a spawn; posix_spawn applies them in order between its fork and exec. */
public sealed interface SpawnAction {
    /** The child gets {@code from} as {@code fd}. */
    record Dup(int from, int fd) implements SpawnAction {}

    /** The child gets {@code path}, opened with these flags and mode, as {@code fd}. */
    record Open(String path, int fd, int flags, int mode) implements SpawnAction {}

    /** Every descriptor from {@code lowest} up is closed: the child inherits nothing else of this JVM. */
    record CloseFrom(int lowest) implements SpawnAction {}

    public static SpawnAction dup(int from, int fd) {
        return new Dup(from, fd);
    }

    public static SpawnAction open(String path, int fd, int flags, int mode) {
        return new Open(path, fd, flags, mode);
    }

    public static SpawnAction closeFrom(int lowest) {
        return new CloseFrom(lowest);
    }
}
