package dev.isobench.engine.plan;

import java.util.List;

/** Mount flags (linux/mount.h) and the mount steps built from them. */
public final class Mounts {
    public static final long RDONLY = 1;
    public static final long NOSUID = 2;
    public static final long NODEV = 4;
    public static final long NOEXEC = 8;
    public static final long REMOUNT = 32;
    public static final long BIND = 4096;
    public static final long REC = 16384;
    public static final long PRIVATE = 1 << 18;
    public static final long STRICTATIME = 1 << 24;

    private Mounts() {}

    public static Step mount(String source, String target, String fsType, long flags, String data) {
        return Step.of(Op.MOUNT, source, target, fsType, Long.toString(flags), data, "0");
    }

    /** A mount that is skipped when its target does not exist (a /proc file an older kernel lacks). */
    public static Step optionalMount(String source, String target, String fsType, long flags, String data) {
        return Step.of(Op.MOUNT, source, target, fsType, Long.toString(flags), data, "1");
    }

    public static Step bind(String source, String target) {
        return mount(source, target, "", BIND | REC, "");
    }

    /** A read-only bind: bind first, then remount, since the kernel ignores MS_RDONLY on the bind itself. */
    public static List<Step> readOnlyBind(String source, String target, long extraFlags) {
        return List.of(bind(source, target), mount("", target, "", REMOUNT | BIND | RDONLY | extraFlags, ""));
    }

    /** Makes an existing path read-only in place, skipping it if absent. */
    public static List<Step> readOnlyInPlace(String path) {
        return List.of(optionalMount(path, path, "", BIND | REC, ""), optionalMount("", path, "", REMOUNT | BIND | RDONLY, ""));
    }
}
