package dev.isobench.bench.app;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.DockerTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Docker (isobench's own dockerd, one of its runtimes) running an image loaded from {@link HostRoot}'s skeleton, the
 * host's directories bound in read-only: the host's network ({@code --network host}) or its bridge with the port
 * published on 127.0.0.1 through docker-proxy; the data on a volume or in the container's own layer (overlay2).
 * Docker's defaults otherwise (its seccomp profile, capabilities, cgroup).
 */
public final class DockerPlace implements Place {
    public enum Net { HOST, PUBLISHED }

    public enum Storage { VOLUME, LAYER }

    private final DockerTarget docker;
    private final String image;
    private final HostRoot root;
    private final Path work;
    private final Pinning pin;
    private final Net net;
    private final Storage storage;

    /** @param image the loaded image of the root's skeleton ({@link DockerTarget#load}) */
    public DockerPlace(DockerTarget docker, String image, HostRoot root, Path work, Pinning pin, Net net, Storage storage) {
        this.docker = docker;
        this.image = image;
        this.root = root;
        this.work = work;
        this.pin = pin;
        this.net = net;
        this.storage = storage;
    }

    @Override
    public String target() {
        return "docker";
    }

    @Override
    public String variant() {
        return docker.variant();
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("net", net.name().toLowerCase(), "storage", storage.name().toLowerCase());
    }

    @Override
    public Session open(SeedDir seed) {
        return new DockerSession(seed);
    }

    private final class DockerSession implements Session {
        private final SeedDir seed;
        private final Path dir;
        private final int port;
        private final int published;
        private String server;

        DockerSession(SeedDir seed) {
            this.seed = seed;
            this.dir = RunDirs.data(work, "docker-");
            this.port = RunDirs.freePort();
            this.published = net == Net.PUBLISHED ? RunDirs.freePort() : 0;
            try {
                Files.createDirectories(dir.resolve("data"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot make " + dir.resolve("data") + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Inside inside() {
            return new Inside(SeedDir.DATA, SeedDir.INSIDE, net == Net.HOST ? "127.0.0.1" : "0.0.0.0", port);
        }

        private List<String> runArgs(List<String> argv, String... flags) {
            List<String> a = new ArrayList<>(List.of("run", "--runtime=" + docker.variant()));
            a.addAll(List.of(flags));
            for (String d : root.binds()) a.add("--volume=" + d + ":" + d + ":ro");
            a.add("--volume=" + seed.host() + ":" + SeedDir.INSIDE + ":ro");
            if (storage == Storage.VOLUME) a.add("--volume=" + dir.resolve("data") + ":" + SeedDir.DATA);
            a.add(image);
            a.addAll(storage == Storage.LAYER ? EnginePlace.inLayer(pin.server(argv)) : pin.server(argv));
            return a;
        }

        @Override
        public void serve(List<String> argv) {
            List<String> a = net == Net.HOST ? runArgs(argv, "--detach", "--network=host")
                    : runArgs(argv, "--detach", "--network=" + DockerTarget.NETWORK, "--publish=127.0.0.1:" + published + ":" + port);
            server = docker.docker(a.toArray(String[]::new)).requireSuccess("docker run --detach").stdout().trim();
        }

        @Override
        public boolean alive() {
            return server != null && docker.docker("inspect", "--format={{.State.Running}}", server).stdout().trim().equals("true");
        }

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return net == Net.PUBLISHED ? published : port;
        }

        @Override
        public String directAddress() {
            return net == Net.HOST ? "127.0.0.1" : docker.address(server);
        }

        @Override
        public int directPort() {
            return port;
        }

        @Override
        public Execution client(List<String> argv) {
            return Processes.run(pin.client(argv), work);
        }

        @Override
        public Execution run(List<String> argv) {
            return docker.docker(runArgs(argv, "--rm", "--network=none").toArray(String[]::new));
        }

        @Override
        public String log() {
            return server == null ? "" : docker.logs(server);
        }

        @Override
        public void close() {
            try {
                if (server != null) docker.stop(server);
            } finally {
                RunDirs.remove(dir);
            }
        }
    }
}
