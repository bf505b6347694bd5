package dev.isobench.bench.target;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker run --rm --network none} of the probe image on isobench's own dockerd, with one of its
 * runtimes (the variant): runc, Docker's default, or crun or runsc, so Docker's own share shows beside the
 * runtime's. The whole client call is timed, as a user's {@code docker run} is.
 */
final class DockerTarget implements Target {
    private final DockerDaemon daemon;
    private final String runtime;
    private final Path scratch;

    DockerTarget(DockerDaemon daemon, String runtime, Path scratch) {
        this.daemon = daemon;
        this.runtime = runtime;
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public String variant() {
        return runtime;
    }

    @Override
    public boolean userSpaceKernel() {
        return runtime.equals("runsc");
    }

    @Override
    public Execution run(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(daemon.cli());
        cmd.addAll(List.of("run", "--rm", "--network=none", "--runtime=" + runtime, DockerDaemon.IMAGE, "/probe"));
        cmd.addAll(probeArgs);
        return Processes.run(cmd, scratch);
    }
}
