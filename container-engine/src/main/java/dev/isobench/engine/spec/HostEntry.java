package dev.isobench.engine.spec;

import java.util.Arrays;

/** {@code --add-host NAME:IPV4}: one more line in the container's /etc/hosts. */
public record HostEntry(String name, String address) {
    public HostEntry {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) throw new IllegalArgumentException("--add-host: '" + name + "' is not a host name");
        if (!address.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")
                || Arrays.stream(address.split("\\.")).anyMatch(o -> Integer.parseInt(o) > 255)) {
            throw new IllegalArgumentException("--add-host: '" + address + "' is not an IPv4 address");
        }
    }

    public static HostEntry parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("--add-host takes NAME:IPV4, got '" + text + "'");
        return new HostEntry(text.substring(0, colon), text.substring(colon + 1));
    }
}
