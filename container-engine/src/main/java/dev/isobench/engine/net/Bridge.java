package dev.isobench.engine.net;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's bridge {@code isobench0} with 10.88.0.1/16 on the host side. It is marked with the link alias
 * {@code isobench}, so a link of that name made by someone else is never used or deleted. Packets that
 * arrive on it are never forwarded (the interface's own forwarding switch), so nothing leaves the machine
 * even where the host forwards between its other interfaces.
 */
public final class Bridge {
    public static final String NAME = "isobench0";
    public static final String GATEWAY = "10.88.0.1";
    public static final int PREFIX = 16;
    static final String ALIAS = "isobench";
    private static final Path SYS = Path.of("/sys/class/net");

    private Bridge() {}

    public static boolean exists() {
        return Files.exists(SYS.resolve(NAME));
    }

    /** Makes the bridge unless it is there; refuses a link of that name that isobench did not make. */
    static void ensure() {
        if (exists()) {
            String alias = read(SYS.resolve(NAME).resolve("ifalias"));
            if (!alias.equals(ALIAS) || !Files.isDirectory(SYS.resolve(NAME).resolve("bridge"))) {
                throw new EngineException("a network interface named " + NAME + " exists and isobench did not make it (no alias '"
                        + ALIAS + "'); rename or delete it (ip link del " + NAME + ") to use --net bridge");
            }
            return;
        }
        Ip.batch(List.of("link add " + NAME + " type bridge", "link set " + NAME + " alias " + ALIAS,
                "addr add " + GATEWAY + "/" + PREFIX + " dev " + NAME, "link set " + NAME + " up"));
        write(Path.of("/proc/sys/net/ipv4/conf", NAME, "forwarding"), "0");
        write(Path.of("/proc/sys/net/ipv6/conf", NAME, "disable_ipv6"), "1");
    }

    /** Deletes the bridge if it is the engine's. */
    static void remove() {
        if (exists() && read(SYS.resolve(NAME).resolve("ifalias")).equals(ALIAS)) Ip.deleteLink(NAME);
    }

    /** The host end of a container's veth pair: {@code isb} and the first 12 characters of its id. */
    public static String hostEnd(String id) {
        return "isb" + id.substring(0, Math.min(12, id.length()));
    }

    /** Host ends of veth pairs that are on the bridge now. */
    public static List<String> ports() {
        Path brif = SYS.resolve(NAME).resolve("brif");
        if (!Files.isDirectory(brif)) return List.of();
        try (var s = Files.list(brif)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The bridge's interface index, which a veth names as its master. */
    static int index() {
        String i = read(SYS.resolve(NAME).resolve("ifindex"));
        if (i.isEmpty()) throw new EngineException("the bridge " + NAME + " vanished; run isobench ctr gc and try again");
        return Integer.parseInt(i);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path p, String value) {
        try {
            if (Files.exists(p)) Files.writeString(p, value);
        } catch (IOException e) {
            throw new EngineException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }
}
