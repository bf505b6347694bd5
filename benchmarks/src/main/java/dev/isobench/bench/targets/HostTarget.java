package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bare host: the probe run directly, fork+exec+wait, no isolation. The floor of every comparison. */
public final class HostTarget implements Target {
    private final Path probe;
    private final Path scratch;

    public HostTarget(Path probe, Path scratch) {
        this.probe = probe;
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return "host";
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public Execution run(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(List.of(probe.toString()));
        cmd.addAll(probeArgs);
        return Processes.run(cmd, scratch);
    }
}
