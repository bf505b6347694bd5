package dev.isobench.bench.targets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.image.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A dockerd of isobench's own for one run: its data root in the run's workspace, its exec root, pid file and
 * socket under /run/isobench/docker-PID-START; no iptables, no bridge, no registry, its containers' cgroups under isobench/. It never talks to a dockerd the
 * host runs (another socket, another data root). The probe image comes from a {@code docker save} archive made
 * here from the probe rootfs and {@code docker load}ed: nothing is pulled. crun, runsc and isobench's own
 * runtime ({@code isobench oci}) are added as runtimes.
 */
final class DockerDaemon implements AutoCloseable {
    static final String IMAGE = "isobench-probe:latest";
    /** The network a published port's container joins (docker's default bridge is off: --bridge=none). */
    static final String NETWORK = "isobench";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long READY_MILLIS = 30_000;

    private final Path dir;
    /** Its sockets' directory: a unix socket path holds at most 108 bytes, which a workspace path can pass. */
    private final Path execRoot;
    private final Path socket;
    private final Process dockerd;
    private final Path scratch;
    private final String version;

    /** Starts the daemon and loads the probe image; fails with the daemon's own last words. */
    /** @param isobenchRuntime the engine's OCI runtime binary, added as runtime "isobench" */
    DockerDaemon(Path workspace, Path probeRootfs, Path scratch, java.util.Optional<Path> isobenchRuntime) {
        this.dir = workspace.resolve("docker");
        this.execRoot = Leftovers.RUN.resolve("docker-" + Leftovers.self());
        this.socket = execRoot.resolve("docker.sock");
        this.scratch = scratch;
        List<String> cmd = new ArrayList<>(List.of("dockerd", "--data-root=" + dir.resolve("data"), "--exec-root=" + execRoot.resolve("exec"),
                "--pidfile=" + execRoot.resolve("docker.pid"), "--host=unix://" + socket, "--iptables=false", "--ip-masq=false",
                "--ip-forward=false", "--bridge=none", "--cgroup-parent=/isobench", "--exec-opt=native.cgroupdriver=cgroupfs",
                "--log-level=error", "--config-file=" + dir.resolve("daemon.json")));
        // Not /etc/docker/daemon.json: the host's settings stay the host's. runsc as the probe bundle runs it: no
        // network of its own (docker's none network is a namespace gVisor would take for the host's), ptrace.
        ObjectNode config = JSON.createObjectNode();
        ObjectNode runtimes = config.putObject("runtimes");
        Processes.firstLine(scratch, "sh", "-c", "command -v crun").ifPresent(path -> runtimes.putObject("crun").put("path", path));
        Processes.firstLine(scratch, "sh", "-c", "command -v runsc").ifPresent(path -> runtimes.putObject("runsc").put("path", path)
                .putArray("runtimeArgs").add("--network=none").add("--platform=ptrace"));
        isobenchRuntime.ifPresent(path -> runtimes.putObject("isobench").put("path", path.toString()));
        try {
            Files.createDirectories(dir);
            Files.createDirectories(execRoot);
            JSON.writeValue(dir.resolve("daemon.json").toFile(), config);
            dockerd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dockerd: " + e.getMessage(), e);
        }
        try {
            version = awaitReady();
            // A bridge of its own, for a published port: named after this run, removed with the daemon
            docker("network", "create", "--driver=bridge", "--opt=com.docker.network.bridge.name=" + bridgeName(), NETWORK)
                    .requireSuccess("docker network create");
            Path archive = dir.resolve("probe-image.tar");
            saveArchive(probeRootfs, archive, IMAGE);
            docker("load", "--input", archive.toString()).requireSuccess("docker load");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    String version() {
        return version;
    }

    /** Where its runtimes' state lives (each runtime's --root is under it). */
    Path execRoot() {
        return execRoot;
    }

    /** At most 15 bytes, as an interface name must be, and this run's own. */
    private static String bridgeName() {
        return "isbd" + ProcessHandle.current().pid() % 100_000_000L;
    }

    /** The docker CLI against this daemon. */
    Execution docker(String... args) {
        List<String> cmd = new ArrayList<>(cli());
        cmd.addAll(List.of(args));
        return Processes.run(cmd, scratch);
    }

    /** The docker CLI's command line against this daemon, before its verb. */
    List<String> cli() {
        return List.of("docker", "--host=unix://" + socket);
    }

    private String awaitReady() {
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!dockerd.isAlive()) throw new IllegalStateException("dockerd exited " + dockerd.exitValue() + ": " + logTail());
            if (Files.exists(socket)) {
                Execution v = docker("version", "--format", "{{.Server.Version}}");
                if (v.exitCode() == 0) return "dockerd " + v.stdout().trim();
            }
            sleep(100);
        }
        throw new IllegalStateException("dockerd did not answer on " + socket + " within " + READY_MILLIS / 1000 + " s: " + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A one-layer {@code docker save} archive of a root file system (directories, regular files and symlinks), tagged {@code tag}. */
    static void saveArchive(Path rootfs, Path archive, String tag) {
        try {
            Path layer = archive.resolveSibling("layer.tar");
            try (OutputStream out = Files.newOutputStream(layer); TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
                 Stream<Path> files = Files.walk(rootfs)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                    if (p.equals(rootfs)) continue;
                    if (Files.isSymbolicLink(p)) {
                        TarArchiveEntry link = new TarArchiveEntry(rootfs.relativize(p).toString(), TarArchiveEntry.LF_SYMLINK);
                        link.setLinkName(Files.readSymbolicLink(p).toString());
                        tar.putArchiveEntry(link);
                        tar.closeArchiveEntry();
                        continue;
                    }
                    if (!(Files.isDirectory(p) || Files.isRegularFile(p))) continue;
                    TarArchiveEntry e = new TarArchiveEntry(p.toFile(), rootfs.relativize(p).toString());
                    e.setMode(Files.isDirectory(p) ? 040755 : Files.isExecutable(p) ? 0100755 : 0100644);
                    tar.putArchiveEntry(e);
                    if (Files.isRegularFile(p)) Files.copy(p, tar);
                    tar.closeArchiveEntry();
                }
            }
            String diffId = sha256(Files.readAllBytes(layer));
            ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
            config.putObject("config").putArray("Cmd").add("/probe").add("true");
            config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add("sha256:" + diffId);
            byte[] configBytes = JSON.writeValueAsBytes(config);
            String configName = sha256(configBytes) + ".json";
            byte[] manifest = JSON.writeValueAsBytes(List.of(Map.of("Config", configName, "RepoTags", List.of(tag),
                    "Layers", List.of(diffId + "/layer.tar"))));
            try (OutputStream out = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                put(tar, configName, configBytes);
                TarArchiveEntry d = new TarArchiveEntry(diffId + "/");
                tar.putArchiveEntry(d);
                tar.closeArchiveEntry();
                TarArchiveEntry l = new TarArchiveEntry(layer.toFile(), diffId + "/layer.tar");
                tar.putArchiveEntry(l);
                Files.copy(layer, tar);
                tar.closeArchiveEntry();
                put(tar, "manifest.json", manifest);
            }
            Files.delete(layer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the image archive " + archive + ": " + e.getMessage(), e);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static String sha256(byte[] bytes) {
        return ImageStore.digest(bytes).substring("sha256:".length());
    }

    /**
     * Stops the daemon (it stops its containerd), then kills what outlived it (a shim; a runsc sandbox and gofer
     * of a container that failed to start), unmounts what it left mounted, and removes its directories.
     */
    @Override
    public void close() {
        if (dockerd.isAlive()) {
            Execution ps = docker("ps", "--all", "--quiet");
            if (ps.exitCode() == 0 && !ps.stdout().isBlank()) {
                List<String> rm = new ArrayList<>(List.of("rm", "--force"));
                rm.addAll(ps.stdout().lines().toList());
                docker(rm.toArray(String[]::new));
            }
            docker("network", "rm", NETWORK); // its bridge goes with it; dockerd would leave it on the host
            dockerd.destroy(); // SIGTERM: dockerd shuts down containerd and its shims
            try {
                if (!dockerd.waitFor(20, TimeUnit.SECONDS)) dockerd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dockerd.destroyForcibly();
            }
        }
        Leftovers.clear(dir);
        Leftovers.clear(execRoot);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dockerd started", e);
        }
    }
}
