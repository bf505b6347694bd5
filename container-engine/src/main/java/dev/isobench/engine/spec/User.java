package dev.isobench.engine.spec;

import java.util.List;

/** The uid, gid and supplementary groups a container's process runs as. */
public record User(int uid, int gid, List<Integer> groups) {
    public static final User ROOT = new User(0, 0, List.of());

    public User {
        if (uid < 0 || gid < 0) throw new IllegalArgumentException("uid and gid must be >= 0, got " + uid + ":" + gid);
        groups = List.copyOf(groups);
    }

    /** Parses docker's {@code UID[:GID]} form; a missing GID is the same as the UID. */
    public static User parse(String text) {
        String[] parts = text.split(":", 2);
        try {
            int uid = Integer.parseInt(parts[0]);
            return new User(uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid, List.of());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--user takes numeric UID[:GID] (e.g. 1000:1000), got '" + text + "'");
        }
    }
}
