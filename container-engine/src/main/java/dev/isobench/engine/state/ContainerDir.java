package dev.isobench.engine.state;

import dev.isobench.engine.net.BridgeNetwork;
import java.nio.file.Path;

/** The files of one container, all under {@code <root>/containers/<id>}. */
public record ContainerDir(Path path) {
    public Path state() {
        return path.resolve("state.json");
    }

    public Path startFifo() {
        return path.resolve("start");
    }

    /** The start fifo once passed, renamed at start: its change time is when the container started (inspect's StartedAt). */
    public Path started() {
        return path.resolve("started");
    }

    /** Written by the monitor when the container exits: "CODE SIGNAL". */
    public Path exitFile() {
        return path.resolve("exit");
    }

    public Path log() {
        return path.resolve("container.log");
    }

    /** What the container's port proxies said: why a connection to a published port was closed. */
    public Path proxyLog() {
        return path.resolve(BridgeNetwork.PROXY_LOG);
    }

    public String id() {
        return path.getFileName().toString();
    }
}
