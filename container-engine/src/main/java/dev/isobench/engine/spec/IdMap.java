package dev.isobench.engine.spec;

/**
 * A user namespace map: container ids 0..size-1 are host ids hostBase..hostBase+size-1, for users and
 * groups alike (docker's userns-remap shape). Root inside is hostBase outside, an unprivileged id.
 */
public record IdMap(long hostBase, long size) {
    /** Docker's first subordinate range, 65536 ids, the most a Debian image's ids need. */
    public static final IdMap DEFAULT = new IdMap(100000, 65536);

    public IdMap {
        if (hostBase < 1) throw new IllegalArgumentException("--userns-map: the host base id must be above 0 (0 is the host's root), got " + hostBase);
        if (size < 1 || hostBase + size > 4294967295L) {
            throw new IllegalArgumentException("--userns-map: range " + hostBase + ":" + size + " does not fit in 32-bit ids");
        }
    }

    /** {@code HOSTBASE[:SIZE]}, e.g. {@code 200000:65536}. */
    public static IdMap parse(String text) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length > 2) throw new NumberFormatException();
            return new IdMap(Long.parseLong(parts[0]), parts.length == 2 ? Long.parseLong(parts[1]) : DEFAULT.size);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--userns-map takes HOSTBASE[:SIZE] in numbers, e.g. 100000:65536; got '" + text + "'");
        }
    }

    /** The host id of a container id, or -1 when the map does not cover it. */
    public long toHost(long containerId) {
        return containerId >= 0 && containerId < size ? hostBase + containerId : -1;
    }

    /** One line of /proc/PID/uid_map and gid_map. */
    public String procLine() {
        return "0 " + hostBase + " " + size + "\n";
    }

    @Override
    public String toString() {
        return hostBase + ":" + size;
    }
}
