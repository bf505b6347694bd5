package dev.isobench.engine.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One OCI runtime as the conformance checks drive it: its command line (runc's verbs), and a bundle of its own
 * (the probe as the root's only program, the engine's example config) that each check changes and runs.
 */
final class ConformanceRuntime {
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    private final List<String> command;
    final Path bundle;
    private int next;

    private ConformanceRuntime(String name, List<String> command, Path bundle) {
        this.name = name;
        this.command = List.copyOf(command);
        this.bundle = bundle;
    }

    /** The isobench engine, a JVM per verb on its own root. */
    static ConformanceRuntime isobench(Path dir, Path root) throws IOException {
        new RuntimeBinary(Files.createDirectories(dir), root); // writes the script it runs
        return new ConformanceRuntime("isobench", List.of(dir.resolve("isobench-runtime").toString()), bundle(dir));
    }

    /** runc where it is installed, on a state directory of its own. */
    static Optional<ConformanceRuntime> runc(Path dir) throws IOException {
        for (String p : List.of("/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc")) {
            if (Files.isExecutable(Path.of(p))) {
                Files.createDirectories(dir);
                return Optional.of(new ConformanceRuntime("runc", List.of(p, "--root", dir.resolve("state").toString()), bundle(dir)));
            }
        }
        return Optional.empty();
    }

    private static Path bundle(Path dir) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path rootfs = RuntimeBinary.probeRootfs(bundle);
        Files.createDirectories(rootfs.resolve("mnt"));
        return bundle;
    }

    /** A fresh copy of the example config: runs {@code /probe true} with the usual namespaces, read-only root. */
    ObjectNode config() {
        try {
            return (ObjectNode) JSON.readTree(RuntimeFeatures.exampleConfig());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container id not used before by this runtime object. */
    String id() {
        return "conf-" + ProcessHandle.current().pid() + "-" + (next++);
    }

    void write(ObjectNode config) {
        try {
            Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RuntimeBinary.Result run(String... args) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        return RuntimeBinary.exec(cmd, bundle.getParent());
    }

    /** {@code run} of the config to its end, the container removed after. */
    RuntimeBinary.Result runToEnd(ObjectNode config) {
        write(config);
        String id = id();
        try {
            return run("run", "--bundle", bundle.toString(), id);
        } finally {
            run("delete", "--force", id);
        }
    }

    /** {@code create} of the config; the caller deletes it. */
    RuntimeBinary.Result create(ObjectNode config, String id) {
        write(config);
        return run("create", "--bundle", bundle.toString(), id);
    }

    /** The state JSON, or null when the runtime says the container does not exist. */
    JsonNode state(String id) {
        RuntimeBinary.Result r = run("state", id);
        if (r.exitCode() != 0) return null;
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError(name + " state printed no JSON: " + r.stdout(), e);
        }
    }

    /** Waits up to 10 s for a status; the last one seen. */
    String awaitStatus(String id, String status) {
        String seen = "";
        for (int i = 0; i < 200; i++) {
            JsonNode s = state(id);
            seen = s == null ? "(gone)" : s.path("status").asText();
            if (seen.equals(status)) return seen;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
        return seen;
    }

    static ObjectNode process(ObjectNode config, String... args) {
        var a = ((ObjectNode) config.get("process")).putArray("args");
        for (String s : args) a.add(s);
        return config;
    }

    static ObjectNode linux(ObjectNode config) {
        return (ObjectNode) config.get("linux");
    }

    @Override
    public String toString() {
        return name;
    }
}
