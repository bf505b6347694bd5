package dev.isobench.bench.app;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.Engine;
import dev.isobench.engine.net.Leases;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The isobench engine, through its Java API, on its built-in {@code host} image (the host's own /usr and /etc,
 * read-only), set up one way: its network (the host's stack, a port published through the engine's proxy, or the
 * bridge with the load generator in a second container), where the data is (a volume, or the container's overlay
 * layer), its seccomp filter and whether cgroup limits are set (set, never binding).
 */
public final class EnginePlace implements Place {
    /** host: the host's stack; published: the bridge and a port published on 127.0.0.1; bridge: container to container. */
    public enum Net { HOST, PUBLISHED, BRIDGE }

    /** volume: a host directory bound at /data; layer: /data in the container's own writable layer. */
    public enum Storage { VOLUME, LAYER }

    private final Engine engine;
    private final Path work;
    private final Pinning pin;
    private final Net net;
    private final Storage storage;
    private final Seccomp seccomp;
    private final String seccompLabel;
    private final Optional<Limits> limits;

    /**
     * @param seccompLabel the filter as the rows name it: default for the run's engine filter (--engine-seccomp may add
     *                     a known cost to it, which the manifest records), unconfined for none
     * @param limits cgroup limits set on the container (the knob: limits that never bind), or empty for none
     */
    public EnginePlace(Engine engine, Path work, Pinning pin, Net net, Storage storage, Seccomp seccomp, String seccompLabel, Optional<Limits> limits) {
        this.engine = engine;
        this.work = work;
        this.pin = pin;
        this.net = net;
        this.storage = storage;
        this.seccomp = seccomp;
        this.seccompLabel = seccompLabel;
        this.limits = limits;
    }

    @Override
    public String target() {
        return "engine";
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("net", net.name().toLowerCase());
        s.put("storage", storage.name().toLowerCase());
        s.put("seccomp", seccompLabel);
        s.put("cgroup", limits.isPresent() ? "limits" : "none");
        return s;
    }

    @Override
    public Session open(SeedDir seed) {
        return new EngineSession(seed);
    }

    private ContainerSpec.Builder spec(SeedDir seed, Optional<Path> data, List<String> argv) {
        List<String> command = storage == Storage.LAYER ? inLayer(argv) : argv;
        ContainerSpec.Builder s = ContainerSpec.builder().image("host").command(command).seccomp(seccomp)
                .volume(new Volume(Optional.of(seed.host()), SeedDir.INSIDE, true));
        data.ifPresent(d -> s.volume(new Volume(Optional.of(d), SeedDir.DATA, false)));
        limits.ifPresent(s::limits);
        return s;
    }

    /** /data made in the container's own layer before the command runs. */
    static List<String> inLayer(List<String> argv) {
        List<String> all = new ArrayList<>(List.of("/bin/sh", "-c", "mkdir -p " + SeedDir.DATA + " && exec \"$@\"", "sh"));
        all.addAll(argv);
        return all;
    }

    private final class EngineSession implements Session {
        private final SeedDir seed;
        private final Optional<Path> data;
        private final Path logs;
        private final int port;
        private final int published;
        private Container server;

        EngineSession(SeedDir seed) {
            this.seed = seed;
            this.logs = RunDirs.data(work, "engine-");
            this.data = storage == Storage.VOLUME ? Optional.of(logs.resolve("data")) : Optional.empty();
            data.ifPresent(d -> {
                try {
                    Files.createDirectories(d);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot make " + d + ": " + e.getMessage(), e);
                }
            });
            this.port = RunDirs.freePort();
            this.published = net == Net.PUBLISHED ? RunDirs.freePort() : 0;
        }

        @Override
        public Inside inside() {
            return new Inside(SeedDir.DATA, SeedDir.INSIDE, net == Net.HOST ? "127.0.0.1" : "0.0.0.0", port);
        }

        @Override
        public void serve(List<String> argv) {
            ContainerSpec.Builder s = spec(seed, data, pin.server(argv)).network(net == Net.HOST ? NetworkMode.HOST : NetworkMode.BRIDGE);
            if (net == Net.PUBLISHED) s.publish(new PortMapping(published, port));
            Path log = logs.resolve("server.log");
            server = engine.run(s.stdio(Stdio.toFiles(log, log)).build());
        }

        @Override
        public boolean alive() {
            return server != null && server.state() == ContainerState.RUNNING;
        }

        @Override
        public String address() {
            return switch (net) {
                case HOST, PUBLISHED -> "127.0.0.1";
                case BRIDGE -> directAddress();
            };
        }

        @Override
        public int port() {
            return net == Net.PUBLISHED ? published : port;
        }

        @Override
        public String directAddress() {
            if (net == Net.HOST) return "127.0.0.1";
            return new Leases().all().entrySet().stream().filter(e -> e.getValue().id().equals(server.id()))
                    .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new IllegalStateException("no bridge address for " + server.id()));
        }

        @Override
        public int directPort() {
            return port;
        }

        /** On the host, or (container to container) in a second container on the bridge. */
        @Override
        public Execution client(List<String> argv) {
            if (net != Net.BRIDGE) return Processes.run(pin.client(argv), work);
            ContainerSpec.Builder s = ContainerSpec.builder().image("host").command(pin.client(argv)).network(NetworkMode.BRIDGE).seccomp(seccomp);
            return runToExit(s);
        }

        @Override
        public Execution run(List<String> argv) {
            return runToExit(spec(seed, data, pin.server(argv)).network(NetworkMode.NONE));
        }

        private Execution runToExit(ContainerSpec.Builder s) {
            Path out = logs.resolve("out-" + System.nanoTime());
            Path err = logs.resolve("err-" + System.nanoTime());
            long start = System.nanoTime();
            Container c = engine.create(s.stdio(Stdio.toFiles(out, err)).ephemeral(true).build());
            int code;
            try {
                c.start();
                code = c.waitFor();
            } finally {
                c.delete();
            }
            return new Execution(System.nanoTime() - start, code, RunDirs.read(out), RunDirs.read(err));
        }

        @Override
        public String log() {
            return RunDirs.read(logs.resolve("server.log"));
        }

        @Override
        public void close() {
            try {
                if (server != null) server.delete();
            } finally {
                RunDirs.remove(logs);
            }
        }
    }
}
