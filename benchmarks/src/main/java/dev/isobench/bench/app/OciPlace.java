package dev.isobench.bench.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.Leftovers;
import dev.isobench.bench.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * runc, crun or runsc on an OCI bundle over the host's programs ({@link HostRoot}): the runtime's own {@code spec},
 * without a network namespace (the host's stack: the only network these runtimes set up alone), Docker's default
 * capabilities (the server's cp and setpriv need CHOWN, SETUID and SETGID), the data on a volume, the seed read-only.
 * A server runs detached ({@code run --detach}, its output to the session's log) and goes with {@code kill} and
 * {@code delete --force}; its cgroups are under isobench/, where gc finds them.
 */
public final class OciPlace implements Place {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");
    private final String runtime;
    private final String variant;
    private final List<String> command;
    private final HostRoot root;
    private final Path work;
    private final Pinning pin;
    private final ObjectNode template;

    /** @param command the launcher, the runtime and its global flags (runsc's --root, --platform, --network=host) */
    public OciPlace(String runtime, String variant, List<String> command, HostRoot root, Path work, Pinning pin) {
        this.runtime = runtime;
        this.variant = variant;
        this.command = List.copyOf(command);
        this.root = root;
        this.work = work;
        this.pin = pin;
        Path dir = RunDirs.data(work, runtime + "-spec-");
        try {
            Processes.run(with("spec", "--bundle", dir.toString()), work).requireSuccess(runtime + " spec");
            template = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + runtime + "'s spec: " + e.getMessage(), e);
        } finally {
            RunDirs.remove(dir);
        }
    }

    @Override
    public String target() {
        return runtime;
    }

    @Override
    public String variant() {
        return variant;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("net", "host", "storage", "volume");
    }

    @Override
    public Session open(SeedDir seed) {
        return new OciSession(seed);
    }

    private List<String> with(String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return all;
    }

    private ObjectNode config(SeedDir seed, Path data, List<String> argv, String id) {
        ObjectNode c = template.deepCopy();
        ObjectNode process = c.with("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        argv.forEach(args::add);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = caps.putArray(set);
            CAPABILITIES.forEach(a::add);
        }
        c.with("root").put("path", root.dir().toString()).put("readonly", true);
        ArrayNode mounts = c.withArray("mounts");
        for (String dir : root.binds()) bind(mounts, dir, dir, true);
        bind(mounts, seed.host().toString(), SeedDir.INSIDE, true);
        bind(mounts, data.toString(), SeedDir.DATA, false);
        mounts.addObject().put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs").putArray("options").add("nosuid").add("nodev");
        ObjectNode linux = c.with("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        template.path("linux").path("namespaces").forEach(ns -> {
            if (!ns.path("type").asText().equals("network")) namespaces.add(ns);
        });
        linux.put("cgroupsPath", "/isobench/" + id);
        return c;
    }

    private static void bind(ArrayNode mounts, String source, String destination, boolean readOnly) {
        mounts.addObject().put("destination", destination).put("type", "bind").put("source", source).putArray("options")
                .add("rbind").add(readOnly ? "ro" : "rw");
    }

    private final class OciSession implements Session {
        private final SeedDir seed;
        private final Path dir;
        private final Path data;
        private final int port;
        private String server;
        private Optional<ProcessHandle> pid = Optional.empty();

        OciSession(SeedDir seed) {
            this.seed = seed;
            this.dir = RunDirs.data(work, runtime + "-");
            this.data = dir.resolve("data");
            this.port = RunDirs.freePort();
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new IllegalStateException("cannot make " + data + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Inside inside() {
            return new Inside(SeedDir.DATA, SeedDir.INSIDE, "127.0.0.1", port);
        }

        private Path bundle(List<String> argv, String id) {
            Path bundle = dir.resolve(id);
            try {
                Files.createDirectories(bundle);
                JSON.writeValue(bundle.resolve("config.json").toFile(), config(seed, data, argv, id));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the " + runtime + " bundle " + bundle + ": " + e.getMessage(), e);
            }
            return bundle;
        }

        private String id() {
            // the runner's tag in the id: gc deletes the servers of a killed run (Leftovers.collectOciServers)
            return Leftovers.OCI_SERVER_PREFIX + runtime + "-" + Workspace.runner() + "-" + SEQ.incrementAndGet();
        }

        @Override
        public void serve(List<String> argv) {
            String id = id();
            Path bundle = bundle(pin.server(argv), id);
            server = id;
            try {
                // --detach: the runtime returns once the container runs; its stdio is this process's, the log file
                Process p = new ProcessBuilder(with("run", "--detach", "--bundle", bundle.toString(), id)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(runtime + " run --detach did not return within 60 s");
                }
                if (p.exitValue() != 0) throw new IllegalStateException(runtime + " run --detach exited " + p.exitValue() + ": " + log().strip());
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + runtime + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + runtime + " started a server", e);
            }
            Execution state = Processes.run(with("state", id), work);
            try {
                pid = state.exitCode() == 0 ? ProcessHandle.of(JSON.readTree(state.stdout()).path("pid").asLong()) : Optional.empty();
            } catch (IOException e) {
                pid = Optional.empty();
            }
        }

        @Override
        public boolean alive() {
            return pid.map(ProcessHandle::isAlive).orElse(false);
        }

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public Execution client(List<String> argv) {
            return Processes.run(pin.client(argv), work);
        }

        @Override
        public Execution run(List<String> argv) {
            String id = id();
            Path bundle = bundle(pin.server(argv), id);
            try {
                return Processes.run(with("run", "--bundle", bundle.toString(), id), work);
            } finally {
                Processes.run(with("delete", "--force", id), work);
            }
        }

        @Override
        public String log() {
            return RunDirs.read(dir.resolve("server.log"));
        }

        @Override
        public void close() {
            try {
                if (server != null) {
                    Processes.run(with("kill", server, "KILL"), work);
                    Processes.run(with("delete", "--force", server), work);
                }
            } finally {
                RunDirs.remove(dir);
            }
        }
    }
}
