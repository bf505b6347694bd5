package dev.isobench.engine.sys;

/** The errno values the engine reacts to (Linux numbering). */
public final class Errno {
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EINVAL = 22;

    private Errno() {}
}
