package dev.isobench.engine.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * mount(8) options split the way mount(2) takes them: flags, propagation changes (each its own call), and the
 * rest as the file system's data string ({@code mode=755,size=65536k}). The table is runc's.
 */
public record MountOptions(long flags, List<Long> propagation, String data) {
    private static final long REC = Mounts.REC;
    /** option -> {flags to set, flags to clear} */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("ro", new long[] {Mounts.RDONLY, 0}), Map.entry("rw", new long[] {0, Mounts.RDONLY}),
            Map.entry("nosuid", new long[] {Mounts.NOSUID, 0}), Map.entry("suid", new long[] {0, Mounts.NOSUID}),
            Map.entry("nodev", new long[] {Mounts.NODEV, 0}), Map.entry("dev", new long[] {0, Mounts.NODEV}),
            Map.entry("noexec", new long[] {Mounts.NOEXEC, 0}), Map.entry("exec", new long[] {0, Mounts.NOEXEC}),
            Map.entry("sync", new long[] {16, 0}), Map.entry("async", new long[] {0, 16}),
            Map.entry("remount", new long[] {Mounts.REMOUNT, 0}),
            Map.entry("mand", new long[] {64, 0}), Map.entry("nomand", new long[] {0, 64}),
            Map.entry("dirsync", new long[] {128, 0}),
            Map.entry("noatime", new long[] {1024, 0}), Map.entry("atime", new long[] {0, 1024}),
            Map.entry("nodiratime", new long[] {2048, 0}), Map.entry("diratime", new long[] {0, 2048}),
            Map.entry("bind", new long[] {Mounts.BIND, 0}), Map.entry("rbind", new long[] {Mounts.BIND | REC, 0}),
            Map.entry("relatime", new long[] {1 << 21, 0}), Map.entry("norelatime", new long[] {0, 1 << 21}),
            Map.entry("iversion", new long[] {1 << 23, 0}), Map.entry("noiversion", new long[] {0, 1 << 23}),
            Map.entry("strictatime", new long[] {Mounts.STRICTATIME, 0}), Map.entry("nostrictatime", new long[] {0, Mounts.STRICTATIME}),
            Map.entry("lazytime", new long[] {1 << 25, 0}), Map.entry("nolazytime", new long[] {0, 1 << 25}));
    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", Mounts.PRIVATE, "rprivate", Mounts.PRIVATE | REC,
            "shared", 1L << 20, "rshared", (1L << 20) | REC,
            "slave", 1L << 19, "rslave", (1L << 19) | REC,
            "unbindable", 1L << 17, "runbindable", (1L << 17) | REC);
    /** Flags a bind mount takes only on a remount of it. */
    public static final long REMOUNT_ONLY = Mounts.RDONLY | Mounts.NOSUID | Mounts.NODEV | Mounts.NOEXEC | 16 | 64 | 128 | 1024 | 2048
            | (1 << 21) | Mounts.STRICTATIME;

    /** The mount flags of a propagation name ({@code rslave}: MS_SLAVE|MS_REC), or null for a name that is none. */
    public static Long propagation(String name) {
        return PROPAGATION.get(name);
    }

    /** Every option name the table knows. */
    public static java.util.Set<String> names() {
        java.util.Set<String> all = new java.util.HashSet<>(FLAGS.keySet());
        all.addAll(PROPAGATION.keySet());
        return all;
    }

    public MountOptions {
        propagation = List.copyOf(propagation);
    }

    /** @throws IllegalArgumentException for an option the engine cannot honour (named, with the reason) */
    public static MountOptions parse(List<String> options) {
        long flags = 0;
        List<Long> propagation = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f != null) {
                flags = (flags | f[0]) & ~f[1];
            } else if (PROPAGATION.containsKey(o)) {
                propagation.add(PROPAGATION.get(o));
            } else if (o.equals("tmpcopyup") || o.equals("idmap") || o.equals("ridmap") || o.startsWith("copy-symlink")) {
                throw new IllegalArgumentException("mount option '" + o + "' is not supported by the isobench engine");
            } else if (o.equals("notmpcopyup") || o.equals("nocopyup") || o.startsWith("x-") || o.startsWith("X-")) {
                // says what is not to be done, or is a note for a userspace tool: nothing for mount(2)
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, propagation, String.join(",", data));
    }
}
