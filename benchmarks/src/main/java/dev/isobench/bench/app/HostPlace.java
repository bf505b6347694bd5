package dev.isobench.bench.app;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bare host: the server a plain process on the host's loopback, its data in a directory of the run's own. The floor. */
public final class HostPlace implements Place {
    private final Path work;
    private final Pinning pin;

    public HostPlace(Path work, Pinning pin) {
        this.work = work;
        this.pin = pin;
    }

    @Override
    public String target() {
        return "host";
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public Session open(SeedDir seed) {
        return new HostSession(RunDirs.data(work, "host-"), seed, RunDirs.freePort());
    }

    private final class HostSession implements Session {
        private final Path data;
        private final Inside inside;
        private final Path log;
        private Process server;

        HostSession(Path data, SeedDir seed, int port) {
            this.data = data;
            this.inside = new Inside(data.toString(), seed.host().toString(), "127.0.0.1", port);
            this.log = data.resolve("server.log");
        }

        @Override
        public Inside inside() {
            return inside;
        }

        @Override
        public void serve(List<String> argv) {
            try {
                // working in its data directory: gc finds a killed run's servers by it (Leftovers.killNaming)
                server = new ProcessBuilder(pin.server(argv)).directory(data.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean alive() {
            return server != null && server.isAlive();
        }

        @Override
        public String address() {
            return inside.listen();
        }

        @Override
        public int port() {
            return inside.port();
        }

        @Override
        public Execution client(List<String> argv) {
            return Processes.run(pin.client(argv), work);
        }

        @Override
        public Execution run(List<String> argv) {
            return Processes.run(pin.server(argv), work);
        }

        @Override
        public String log() {
            return RunDirs.read(log);
        }

        /** SIGTERM to the server and what it forked (PostgreSQL's backends), then SIGKILL to what is left after 10 s. */
        @Override
        public void close() {
            if (server != null) {
                List<ProcessHandle> tree = server.descendants().toList();
                server.destroy();
                tree.forEach(ProcessHandle::destroy);
                try {
                    if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    server.destroyForcibly();
                }
                tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            }
            RunDirs.remove(data);
        }
    }
}
