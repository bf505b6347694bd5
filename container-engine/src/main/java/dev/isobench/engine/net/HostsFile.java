package dev.isobench.engine.net;

import dev.isobench.engine.spec.HostEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A container's /etc/hosts, bind-mounted from its directory: its own lines first, then, for a bridge
 * container, a section naming every container on the bridge. The section is rewritten in place (the same
 * inode, so the bind mount shows it) whenever a container joins or leaves the bridge.
 */
final class HostsFile {
    static final String SECTION = "# containers on " + Bridge.NAME + " (rewritten by isobench)";
    static final String HOST_NAME = "host.isobench.internal";

    private HostsFile() {}

    static String own(String address, String hostname, String name, List<HostEntry> extra) {
        StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append(address == null ? "127.0.1.1" : address).append('\t').append(hostname);
        if (!name.equals(hostname)) b.append(' ').append(name);
        b.append('\n');
        if (address != null) b.append(Bridge.GATEWAY).append('\t').append(HOST_NAME).append('\n');
        for (HostEntry h : extra) b.append(h.address()).append('\t').append(h.name()).append('\n');
        return b.toString();
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the bridge section of an existing hosts file with the containers now on the bridge. */
    static void rewriteSection(Path file, String selfId, Map<String, Leases.Lease> leases) {
        if (!Files.exists(file)) return;
        try {
            String text = Files.readString(file);
            int cut = text.indexOf(SECTION);
            StringBuilder b = new StringBuilder(cut < 0 ? text : text.substring(0, cut)).append(SECTION).append('\n');
            leases.forEach((address, l) -> {
                if (l.id().equals(selfId)) return;
                b.append(address).append('\t').append(l.hostname());
                if (!l.name().equals(l.hostname())) b.append(' ').append(l.name());
                b.append('\n');
            });
            write(file, b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
