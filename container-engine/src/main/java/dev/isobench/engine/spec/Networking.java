package dev.isobench.engine.spec;

import java.util.List;
import java.util.Optional;

/**
 * A container's networking: the mode, the container whose namespace it joins ({@code container} mode),
 * ports published on 127.0.0.1 ({@code bridge} mode) and extra /etc/hosts lines.
 */
public record Networking(NetworkMode mode, Optional<String> joined, List<PortMapping> ports, List<HostEntry> extraHosts) {
    public static final Networking NONE = new Networking(NetworkMode.NONE, Optional.empty(), List.of(), List.of());

    public Networking {
        ports = List.copyOf(ports);
        extraHosts = List.copyOf(extraHosts);
        if ((mode == NetworkMode.CONTAINER) != joined.isPresent()) {
            throw new IllegalArgumentException("--net container:ID names the container to join; other modes take no ID");
        }
        if (!ports.isEmpty() && mode != NetworkMode.BRIDGE) {
            throw new IllegalArgumentException("-p publishes a port of a bridge container; use it with --net bridge (got --net " + mode.name().toLowerCase() + ")");
        }
        if (ports.stream().map(PortMapping::hostPort).distinct().count() != ports.size()) {
            throw new IllegalArgumentException("-p: a host port is published twice");
        }
    }

    /** {@code none}, {@code host}, {@code bridge} or {@code container:ID}. */
    public static Networking parse(String text) {
        if (text.startsWith("container:") && text.length() > "container:".length()) {
            return new Networking(NetworkMode.CONTAINER, Optional.of(text.substring("container:".length())), List.of(), List.of());
        }
        for (NetworkMode m : List.of(NetworkMode.NONE, NetworkMode.HOST, NetworkMode.BRIDGE)) {
            if (m.name().equalsIgnoreCase(text)) return new Networking(m, Optional.empty(), List.of(), List.of());
        }
        throw new IllegalArgumentException("--net must be none, host, bridge or container:ID; got '" + text + "'");
    }

    public Networking withPorts(List<PortMapping> p) {
        return new Networking(mode, joined, p, extraHosts);
    }

    public Networking withExtraHosts(List<HostEntry> h) {
        return new Networking(mode, joined, ports, h);
    }

    @Override
    public String toString() {
        return mode == NetworkMode.CONTAINER ? "container:" + joined.orElseThrow() : mode.name().toLowerCase();
    }
}
