package dev.isobench.engine.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A user namespace's id maps: ranges of container ids onto host ids, for users and for groups, as
 * /proc/PID/uid_map and gid_map take them. Docker's userns-remap shape is one range from container id 0, the
 * same for both; an OCI config may give several ranges, other container ids, and different ranges for groups.
 * Root inside must be mapped: the engine sets up the container as it.
 */
public record IdMap(List<Range> uids, List<Range> gids) {
    /** Docker's first subordinate range, 65536 ids, the most a Debian image's ids need. */
    public static final IdMap DEFAULT = remap(100000, 65536);
    /** What the kernel takes in one uid_map (since Linux 4.15). */
    private static final int MAX_RANGES = 340;
    private static final long IDS = 1L << 32;

    /** Container ids {@code containerId..containerId+size-1} are host ids {@code hostId..hostId+size-1}. */
    public record Range(long containerId, long hostId, long size) {
        public Range {
            if (containerId < 0 || hostId < 0 || size < 1 || containerId + size > IDS || hostId + size > IDS) {
                throw new IllegalArgumentException("id range " + containerId + " " + hostId + " " + size
                        + " (container id, host id, size) does not fit in 32-bit ids");
            }
        }

        long toHost(long id) {
            return id >= containerId && id < containerId + size ? hostId + (id - containerId) : -1;
        }
    }

    public IdMap {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
        for (List<Range> ranges : List.of(uids, gids)) {
            if (ranges.isEmpty() || ranges.size() > MAX_RANGES) {
                throw new IllegalArgumentException("a user namespace needs 1 to " + MAX_RANGES + " ranges of user and of group ids, got " + ranges.size());
            }
        }
        if (host(uids, 0) < 0 || host(gids, 0) < 0) {
            throw new IllegalArgumentException("the id maps must map container id 0, user and group (the engine sets the container up as its root)");
        }
    }

    /** Docker's shape: container ids 0..size-1 are host ids hostBase.., for users and groups alike. */
    public static IdMap remap(long hostBase, long size) {
        List<Range> one = List.of(new Range(0, hostBase, size));
        return new IdMap(one, one);
    }

    /** {@code HOSTBASE[:SIZE]}, e.g. {@code 200000:65536}. */
    public static IdMap parse(String text) {
        String[] parts = text.split(":", -1);
        long hostBase;
        long size;
        try {
            if (parts.length > 2) throw new NumberFormatException();
            hostBase = Long.parseLong(parts[0]);
            size = parts.length == 2 ? Long.parseLong(parts[1]) : 65536;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--userns-map takes HOSTBASE[:SIZE] in numbers, e.g. 100000:65536; got '" + text + "'");
        }
        if (hostBase < 1) throw new IllegalArgumentException("--userns-map: the host base id must be above 0 (0 is the host's root), got " + hostBase);
        try {
            return remap(hostBase, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--userns-map: range " + hostBase + ":" + size + " does not fit in 32-bit ids");
        }
    }

    /** The host uid of a container uid, or -1 when the map does not cover it. */
    public long toHostUid(long containerId) {
        return host(uids, containerId);
    }

    /** The host gid of a container gid, or -1 when the map does not cover it. */
    public long toHostGid(long containerId) {
        return host(gids, containerId);
    }

    private static long host(List<Range> ranges, long id) {
        for (Range r : ranges) {
            long h = r.toHost(id);
            if (h >= 0) return h;
        }
        return -1;
    }

    /** What /proc/PID/uid_map is written. */
    public String uidMap() {
        return lines(uids);
    }

    /** What /proc/PID/gid_map is written. */
    public String gidMap() {
        return lines(gids);
    }

    private static String lines(List<Range> ranges) {
        return ranges.stream().map(r -> r.containerId + " " + r.hostId + " " + r.size + "\n").collect(Collectors.joining());
    }

    @Override
    public String toString() {
        if (uids.equals(gids) && uids.size() == 1 && uids.get(0).containerId == 0) return uids.get(0).hostId + ":" + uids.get(0).size;
        return "uids " + uidMap().trim().replace('\n', ',') + "; gids " + gidMap().trim().replace('\n', ',');
    }
}
