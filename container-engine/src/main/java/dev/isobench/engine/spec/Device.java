package dev.isobench.engine.spec;

/**
 * A device node made inside the container: {@code c}har, {@code b}lock or {@code p}ipe (fifo), its numbers,
 * permission bits and owner.
 */
public record Device(String path, char type, long major, long minor, int permissions, int uid, int gid) {
    public Device {
        if (!path.startsWith("/") || path.contains("/../")) throw new IllegalArgumentException("a device path must be absolute, got '" + path + "'");
        if ("cbup".indexOf(type) < 0) throw new IllegalArgumentException("a device type is c, b, u or p, got '" + type + "'");
    }

    /** st_mode: the file type bits and the permission bits. */
    public int mode() {
        int kind = switch (type) {
            case 'b' -> 0060000;
            case 'p' -> 0010000;
            default -> 0020000;
        };
        return kind | (permissions & 07777);
    }
}
