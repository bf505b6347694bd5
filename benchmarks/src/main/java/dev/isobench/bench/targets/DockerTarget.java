package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code docker run --rm --network none} of the probe image on isobench's own dockerd, with one of its
 * runtimes (the variant): runc, Docker's default, or crun or runsc, so Docker's own share shows beside the
 * runtime's. The whole client call is timed, as a user's {@code docker run} is.
 */
public final class DockerTarget implements Target {
    private final DockerDaemon daemon;
    private final String runtime;
    private final Path scratch;
    /** {@code docker run} flags that limit the container ({@code --cpus}, {@code --memory}). */
    private final List<String> limits;

    DockerTarget(DockerDaemon daemon, String runtime, Path scratch) {
        this(daemon, runtime, scratch, List.of());
    }

    private DockerTarget(DockerDaemon daemon, String runtime, Path scratch, List<String> limits) {
        this.daemon = daemon;
        this.runtime = runtime;
        this.scratch = scratch;
        this.limits = List.copyOf(limits);
    }

    @Override
    public Optional<Target> cpuLimited(double cpus) {
        return Optional.of(limited("--cpus=" + cpus));
    }

    @Override
    public Optional<Target> memoryLimited(long bytes) {
        return Optional.of(limited("--memory=" + bytes, "--memory-swap=" + bytes));
    }

    private DockerTarget limited(String... flags) {
        List<String> more = new ArrayList<>(limits);
        more.addAll(List.of(flags));
        return new DockerTarget(daemon, runtime, scratch, more);
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public boolean ownTurns() {
        return true;
    }

    @Override
    public String variant() {
        return runtime;
    }

    @Override
    public boolean userSpaceKernel() {
        return runtime.equals("runsc");
    }

    /**
     * Starts {@code /probe ARGS} detached on Docker's bridge with {@code containerPort} published on the host's
     * 127.0.0.1:{@code hostPort} (docker-proxy relays it: no iptables here); returns its container id.
     */
    public String serve(List<String> probeArgs, int hostPort, int containerPort) {
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--rm", "--network=" + DockerDaemon.NETWORK, "--runtime=" + runtime,
                "--publish=127.0.0.1:" + hostPort + ":" + containerPort, DockerDaemon.IMAGE, "/probe"));
        args.addAll(probeArgs);
        return daemon.docker(args.toArray(String[]::new)).requireSuccess("docker run --publish").stdout().trim();
    }

    /** The network a published port's container joins. */
    public static final String NETWORK = DockerDaemon.NETWORK;

    /** The docker CLI against this target's daemon. */
    public Execution docker(String... args) {
        return daemon.docker(args);
    }

    /**
     * Loads a root file system (directories, files and symlinks) as a one-layer image named {@code tag}, through
     * {@code docker load}: nothing is pulled. Returns the tag.
     */
    public String load(Path rootfs, String tag) {
        Path archive = scratch.resolve(tag.replaceAll("[^A-Za-z0-9.-]", "_") + ".tar");
        try {
            DockerDaemon.saveArchive(rootfs, archive, tag);
            daemon.docker("load", "--input", archive.toString()).requireSuccess("docker load " + tag);
            return tag;
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(archive);
            } catch (java.io.IOException e) {
                // scratch goes with the workspace
            }
        }
    }

    /** The address of a detached container on the run's bridge network. */
    public String address(String id) {
        return daemon.docker("inspect", "--format={{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id)
                .requireSuccess("docker inspect").stdout().trim();
    }

    /** What a detached container printed so far. */
    public String logs(String id) {
        return daemon.docker("logs", id).stdout();
    }

    public void stop(String id) {
        daemon.docker("rm", "--force", id);
    }

    @Override
    public Execution run(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(daemon.cli());
        cmd.addAll(List.of("run", "--rm", "--network=none", "--runtime=" + runtime));
        cmd.addAll(limits);
        cmd.addAll(List.of(DockerDaemon.IMAGE, "/probe"));
        cmd.addAll(probeArgs);
        return Processes.run(cmd, scratch);
    }
}
